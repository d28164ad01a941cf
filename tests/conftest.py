"""Shared fixtures. Third-party evaluation data is read from ../shared/evaldata (or
$CURATION_EVALDATA); tests that need it skip with a clear message when it is absent."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
EVALDATA = Path(os.environ.get("CURATION_EVALDATA", REPO_ROOT.parent / "shared" / "evaldata"))


def evaldata_path(*parts: str) -> Path:
    path = EVALDATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"evaluation data not found at {path} (set CURATION_EVALDATA to its folder)")
    return path


@pytest.fixture
def warc_dir() -> Path:
    return evaldata_path("web_crawl_warc")
