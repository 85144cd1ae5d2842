# Two commands for a newcomer: `make run` and `make test`. Both set everything up.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: run test lint format bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(PY) -m bot run $(ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check bot tests bench
	$(VENV)/bin/ruff format --check bot
	$(VENV)/bin/mypy bot

test: lint
	$(PY) -m pytest $(PYTEST_ARGS)

format: $(STAMP)
	$(VENV)/bin/ruff format bot tests bench
	$(VENV)/bin/ruff check --fix bot tests bench

bench: $(STAMP)
	for b in bench/bench_*.py; do $(PY) $$b || exit 1; done

clean:
	rm -rf $(VENV) var .mypy_cache .pytest_cache .ruff_cache
