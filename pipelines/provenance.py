"""What produced a run: package version, git SHA, library versions (written beside every output)."""

from __future__ import annotations

import os
import platform
import subprocess
from importlib import metadata
from pathlib import Path
from typing import Any

import curation

GIT_SHA_ENV = "CURATION_GIT_SHA"
_LIBRARIES = ("apache-beam", "pyarrow", "trafilatura", "warcio", "fasttext-numpy2-wheel",
              "datasketch", "transformers", "torch")


def git_sha() -> str:
    """The commit of the source tree, else $CURATION_GIT_SHA (set in the worker image), else
    'unknown'. A tree with uncommitted changes gets a `-dirty` suffix."""
    root = Path(__file__).resolve().parent.parent
    try:
        sha = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True,
                             text=True, timeout=10, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                               cwd=root, capture_output=True, text=True, timeout=10).stdout.strip()
        return sha + ("-dirty" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        return os.environ.get(GIT_SHA_ENV, "unknown")


def provenance() -> dict[str, Any]:
    versions = {}
    for name in _LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return {
        "package": "llama3-curation",
        "version": curation.__version__,
        "git_sha": git_sha(),
        "python": platform.python_version(),
        "libraries": versions,
    }
