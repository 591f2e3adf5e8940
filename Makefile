# The two commands a user needs: `make run` and `make test`.
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin

.PHONY: run test install install-dev lint typecheck clean chromium

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

## Migrate the default SQLite database and start the service on accords.toml (Ctrl-C stops it).
run: install
	$(BIN)/accords init-db
	$(BIN)/accords serve

lint: install-dev
	$(BIN)/ruff check crawler storage scheduler tests bench

typecheck: install-dev
	$(BIN)/mypy

## Debian's chromium renders the coverage report in a test (installed when missing and apt-get is usable).
chromium:
	@command -v chromium >/dev/null 2>&1 || { command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ] \
		&& (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
		|| echo "chromium not installed: the report rendering test will skip (CI=true: fail)"; }

## Install the dev extras, lint, type-check and run the whole test suite.
test: install-dev chromium lint typecheck
	$(BIN)/python -m pytest -n auto --dist loadfile

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
