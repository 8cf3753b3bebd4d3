# Comptoir — the two commands a new developer needs: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test install migrate demo lint prod worker clean check-deploy bench-install bench-pretix

$(STAMP): requirements/dev.txt
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is required"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements/dev.txt
	touch $(STAMP)

install: $(STAMP)

migrate: install
	mkdir -p var
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py load_demo

run: demo
	$(PY) manage.py runserver 127.0.0.1:8000

test: install
	bash scripts/system-deps.sh
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check comptoir tests bench
	$(VENV)/bin/ruff format --check comptoir tests bench
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy

clean:
	rm -rf var test-artifacts .pytest_cache

prod: install
	bash scripts/prod.sh

check-deploy: install
	@# Checks the environment this shell would start production with: it
	@# passes only once every production secret is set (see README, Production).
	DJANGO_SETTINGS_MODULE=comptoir.settings.prod $(PY) manage.py check --deploy --fail-level WARNING

bench-install: install
	$(PY) -m pip install --quiet -r requirements/bench.txt

# pretix, for bench/order.py's comparison: its own virtualenv (it pins its own
# Django and dependencies), never Comptoir's. bench/pretix_order.py runs in it.
PRETIX_VENV := bench/.pretix-venv
PRETIX_VERSION := 2026.8.0

bench-pretix:
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is required"; exit 1; }
	test -x $(PRETIX_VENV)/bin/python || $(PYTHON) -m venv $(PRETIX_VENV)
	$(PRETIX_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(PRETIX_VENV)/bin/python -m pip install --quiet pretix==$(PRETIX_VERSION)
