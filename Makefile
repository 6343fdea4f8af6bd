# jiaoyuban — the two commands a newcomer needs are `make demo` and `make test` (see README.md).
PYTHON ?= python3.11
ifeq (, $(shell command -v $(PYTHON) 2>/dev/null))
PYTHON := python3
endif
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
RUN_STAMP := $(VENV)/.installed-run
TEST_STAMP := $(VENV)/.installed-test

.PHONY: demo test lint bench install serve clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(RUN_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(TEST_STAMP): pyproject.toml $(RUN_STAMP)
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@

install: $(RUN_STAMP)

## make demo: install, migrate SQLite under var/, generate the demo city once, create demo accounts, serve.
demo: $(RUN_STAMP)
	JYB_DEMO=1 $(BIN)/python manage.py demo --port $(PORT)
	JYB_DEMO=1 PORT=$(PORT) ./scripts/serve

## make test: ruff, then the suite on SQLite, on PostgreSQL, and the browser tests.
test: $(TEST_STAMP)
	./scripts/test

lint: $(TEST_STAMP)
	$(BIN)/ruff check .
	JYB_TESTING=1 $(BIN)/mypy .
	JYB_TESTING=1 $(BIN)/python manage.py makemigrations --check --dry-run

## make bench: statistics query at city scale on SQLite and PostgreSQL, as JSON lines.
bench: $(TEST_STAMP)
	./scripts/bench

clean:
	rm -rf $(VENV) var/ .pytest_cache .ruff_cache
