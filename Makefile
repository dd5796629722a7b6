# The two commands every new user needs: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# Two test processes by default (pytest-xdist): CI's machine has two cores.
PYTEST_ARGS ?= -n 2

.PHONY: run test test-sqlite test-postgres lint mypy audit messages bench bench-e2e setup clean browser-deps

# What mypy checks (settings in pyproject.toml: [tool.mypy], [tool.django-stubs]).
MYPY_PATHS := config core volunteers sprachpool networks requests matching api reports bench scripts

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet ".[dev]"
	@touch $(STAMP)

setup: $(STAMP)

## make run: set up, migrate, seed the demo and the schedules, serve on 127.0.0.1:8000 with a task worker
run: $(STAMP)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) manage.py setup_periodic_tasks
	$(PY) scripts/run_dev.py

## make test: the whole suite on SQLite, then on a throwaway PostgreSQL
test: $(STAMP)
	$(PY) manage.py makemigrations --check --dry-run > /dev/null
	$(PY) -m ruff check .
	$(MAKE) -s mypy
	$(PY) -m pytest $(PYTEST_ARGS)
	$(PY) scripts/with_postgres.py -- $(PY) -m pytest $(PYTEST_ARGS)

test-sqlite: $(STAMP)
	$(PY) -m pytest $(PYTEST_ARGS)

test-postgres: $(STAMP)
	$(PY) scripts/with_postgres.py -- $(PY) -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(MAKE) -s mypy

mypy: $(STAMP)
	$(PY) -m mypy $(MYPY_PATHS)

## make audit: bandit (medium and high; also in make test, tests/security/test_bandit.py) and
## pip-audit of the installed dependencies (needs the network: it asks the PyPI advisory database)
audit: $(STAMP)
	$(PY) -m bandit -r config core volunteers sprachpool networks requests matching api reports -ll -ii -x tests,.venv,migrations
	$(PY) -m pip_audit --strict --progress-spinner off

## make messages: refresh and compile the translations (needs GNU gettext)
messages: $(STAMP)
	$(PY) manage.py makemessages -l de --no-obsolete --ignore=.venv --ignore=var --ignore=bench --ignore=tests --ignore=scripts
	$(PY) manage.py compilemessages -l de --ignore=.venv

## make browser-deps: what the browser tests need beside Playwright (a dev dependency):
## Debian's Chromium (apt-get, as root) and axe-core from the npm registry into var/axe
browser-deps:
	@command -v chromium >/dev/null 2>&1 || (DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null)
	@test -f var/axe/node_modules/axe-core/axe.min.js || npm install --silent --prefix var/axe axe-core@4

bench: $(STAMP)
	$(PY) bench/run.py

## make bench-e2e: matching runs from the database (county, 21 centers, query count) on a throwaway PostgreSQL
bench-e2e: $(STAMP)
	REQUIRE_POSTGRES=1 $(PY) scripts/with_postgres.py -- $(PY) bench/run_e2e.py

clean:
	rm -rf $(VENV) var
