# Two commands a new machine needs: `make demo` and `make test`. Both build .venv from the project's own files.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

export DAGSTER_HOME := $(CURDIR)
export DAGSTER_STORAGE_DIR := $(CURDIR)/data/dagster

.PHONY: install demo test lint ui sandbox bench clean

$(BIN)/.installed: pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c requirements.lock -e '.[dev]'
	touch $@

install: $(BIN)/.installed

demo: install
	$(BIN)/smapify demo --size small

# Three workers: the end-to-end tests mostly wait on loopback HTTP and DuckDB, so they overlap well on 2 cores.
test: install
	$(BIN)/pytest -n 3

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

sandbox: install
	$(BIN)/smapify sandbox serve --config-out data/sandbox.smapify.yaml

# Both sandboxes, then the Dagster UI (with its daemon: schedules and sensors) on http://127.0.0.1:3000.
ui: install
	mkdir -p $(DAGSTER_STORAGE_DIR)
	rm -f data/sandbox.smapify.yaml
	$(BIN)/smapify sandbox serve --config-out data/sandbox.smapify.yaml & trap "kill $$!" EXIT; \
	until [ -f data/sandbox.smapify.yaml ]; do sleep 0.2; done; \
	SMAPIFY_CONFIG=data/sandbox.smapify.yaml $(BIN)/dg dev -w workspace.yaml

bench: install
	for script in tests/bench/bench_*.py; do $(BIN)/python "$$script" || exit 1; done

clean:
	rm -rf $(VENV) data/dagster data/snapshot data/*.duckdb*
