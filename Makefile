# Two commands do all set-up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SHARED ?= ../shared

.PHONY: demo test lint typecheck pytest bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

DEMO_STORE := $(VENV)/demo-vulns.sqlite3

demo: $(VENV)/.installed
	$(BIN)/polypac demo
	@if [ -d "$(SHARED)/anchors/osv" ]; then \
	    $(BIN)/polypac vuln import --replace --store $(DEMO_STORE) \
	        "$(SHARED)/anchors/osv/pypa/vulns" "$(SHARED)/anchors/osv/rustsec/crates"; fi
	$(BIN)/polypac scan examples/mixed-project --store $(DEMO_STORE)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: $(VENV)/.installed-dev
	$(BIN)/mypy

pytest: $(VENV)/.installed-dev
	$(BIN)/pytest -n auto -q

test: lint typecheck pytest

bench: $(VENV)/.installed-dev
	$(BIN)/python benchmarks/purl_bench.py
	$(BIN)/python benchmarks/vers_bench.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
