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


@pytest.fixture(scope="module")
def pii_stage():
    """The PII stage with its default config, set up once per module."""
    from curation.config import PiiConfig
    from curation.pii.stage import PiiStage

    stage = PiiStage(PiiConfig())
    stage.setup()
    return stage


@pytest.fixture(scope="module")
def stages():
    """The text stages with their default config, set up once per module (fuzz and hostile inputs)."""
    from curation.config import Config
    from curation.extract.stage import ExtractStage
    from curation.heuristics.stage import HeuristicsStage
    from curation.pii.stage import PiiStage

    config = Config().stages
    built = {"extract": ExtractStage(config.extract), "pii": PiiStage(config.pii),
             "heuristics": HeuristicsStage(config.heuristics)}
    for stage in built.values():
        stage.setup()
    yield built
    for stage in built.values():
        stage.teardown()
