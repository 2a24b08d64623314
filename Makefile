# Doorbraak — the two commands that matter: `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
DIST := src/doorbraak/static/dist
POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/doorbraak

.PHONY: setup assets demo serve test lint typecheck openapi openapi-check api-fuzz messages bench \
	loadtest loadtest-smoke restore-drill clean

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

$(DIST)/.built: node_modules/.installed scripts/build-assets.mjs $(wildcard src/doorbraak/static/css/*.css src/doorbraak/static/js/*.js)
	npm run --silent build
	@touch $@

assets: $(DIST)/.built

setup: $(STAMP) assets

demo: setup
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	@echo "Doorbraak draait op http://127.0.0.1:8000 — stop met Ctrl+C"
	@# The processing-log sealer and the task worker (value report, exports) run beside the
	@# server, as in production; they stop with it.
	@$(PY) manage.py seal_processing_log --follow --interval 5 & sealer=$$!; \
	  $(PY) manage.py task_worker --interval 1 & worker=$$!; \
	  trap 'kill $$sealer $$worker 2>/dev/null' EXIT INT TERM; \
	  $(PY) manage.py runserver 127.0.0.1:8000

serve: setup
	$(PY) manage.py runserver 127.0.0.1:8000

test: setup
	POSTGRES_URL=$(POSTGRES_URL) scripts/run-tests

lint: setup
	$(VENV)/bin/ruff check src tests scripts
	$(VENV)/bin/ruff format --check src tests scripts

typecheck: setup
	$(VENV)/bin/mypy src tests

openapi: setup
	$(PY) manage.py spectacular --lang nl --file docs/openapi.yaml --validate --fail-on-warn

openapi-check: setup
	$(PY) manage.py spectacular --lang nl --file $(VENV)/openapi.generated.yaml --validate --fail-on-warn
	@diff -u docs/openapi.yaml $(VENV)/openapi.generated.yaml \
	  || (echo "docs/openapi.yaml is out of date: run 'make openapi' and commit it." && exit 1)

# Schemathesis against docs/openapi.yaml as a professional and a partner contact, on its own
# PostgreSQL database (doorbraak_fuzz); fails on any 5xx or schema violation.
# Options: API_FUZZ_ARGS="--help" (.ci/run passes "--template doorbraak_ci_seed").
api-fuzz: setup
	POSTGRES_URL=$(POSTGRES_URL) scripts/api-fuzz $(API_FUZZ_ARGS)

messages: setup
	cd src/doorbraak && ../../$(PY) ../../manage.py makemessages --locale nl --locale en --no-obsolete --no-location
	cd src/doorbraak && ../../$(PY) ../../manage.py compilemessages --locale nl --locale en

restore-drill: setup
	POSTGRES_URL=$(POSTGRES_URL) $(PY) scripts/restore_drill.py $(DRILL_ARGS)

# make bench: the demo data on SQLite. make bench SCALE=1000000: every role's main pages on
# PostgreSQL at that many persons (seed_scale, built once and reused), against the floor.
# make bench CASEBOOK=100000: casebook search and suggestions p95 at that many examples.
bench: setup
ifdef CASEBOOK
	POSTGRES_URL=$(POSTGRES_URL) $(PY) scripts/bench_casebook.py --examples $(CASEBOOK) $(BENCH_ARGS)
else ifdef SCALE
	POSTGRES_URL=$(POSTGRES_URL) $(PY) scripts/bench_scale.py --persons $(SCALE) $(BENCH_ARGS)
else
	$(PY) scripts/bench.py
	$(PY) scripts/bench_report.py
endif

# Locust against gunicorn (deploy/gunicorn.conf.py) on PostgreSQL and SQLite, 1/16/50 users,
# with the floor view for comparison; options: LOADTEST_ARGS="--help". Needs POSTGRES_URL.
loadtest: setup
	POSTGRES_URL=$(POSTGRES_URL) $(PY) scripts/loadtest/run.py $(LOADTEST_ARGS)

# 8 users, 20 s, PostgreSQL: fails on any 5xx (run by .ci/run).
loadtest-smoke: setup
	POSTGRES_URL=$(POSTGRES_URL) $(PY) scripts/loadtest/run.py --smoke $(LOADTEST_ARGS)

clean:
	rm -rf $(VENV) node_modules $(DIST) var .pytest_cache .mypy_cache .ruff_cache
