"""The model artifacts shipped in `classifiers/models/`, each with a model card beside it.

`bundled` in `stages.classify` resolves through `ROLES`; anything else is taken as a path.
How each artifact was built (data, teacher or weak labels, metrics, license) is in its card,
and `benchmarks/build_classifiers.py` rebuilds all of them from one command.
"""

from __future__ import annotations

from pathlib import Path

MODELS_DIR = Path(__file__).resolve().parent / "models"
ROLES = {
    "quality_en": "quality_en.ftz",
    "quality_transformer": "quality_transformer_head.npz",
    "domain": "domain.ftz",
    "topic": "topic_head.npz",
}


def resolve(value: str, role: str) -> Path:
    """The file for a config value: `bundled` -> the shipped artifact for `role`, else a path."""
    if value == "bundled" and role not in ROLES:
        raise FileNotFoundError(f"no bundled model for {role}; bundled: {', '.join(sorted(ROLES))}")
    path = MODELS_DIR / ROLES[role] if value == "bundled" else Path(value)
    if not path.exists():
        hint = (" (rebuild the bundled models: .venv/bin/python -m benchmarks.build_classifiers)"
                if value == "bundled" else "")
        raise FileNotFoundError(f"classifier model for {role} not found at {path}{hint}")
    return path
