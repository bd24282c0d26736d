# Clauses — one Makefile, called as is by CI.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
MANAGE := $(PY) manage.py
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: install demo run worker test test-e2e quality fix bench migrate clean

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

migrate: install
	mkdir -p var
	$(MANAGE) migrate --noinput
	$(MANAGE) createcachetable

demo: migrate
	$(MANAGE) load_territories
	$(MANAGE) seed_demo
	@echo "Plateforme disponible sur http://127.0.0.1:$(PORT)"
	$(MANAGE) run_demo --port $(PORT)

run: migrate
	$(MANAGE) run_demo --port $(PORT)

worker: migrate
	$(MANAGE) db_worker

test: install
	$(BIN)/pytest -n auto --dist loadfile $(PYTEST_ARGS)

# Browser tests only (Playwright on Debian's chromium); `make test` runs them too.
test-e2e: install
	$(BIN)/pytest -m e2e $(PYTEST_ARGS)

quality: install
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/djlint --check clauses/templates
	$(BIN)/djlint --lint clauses/templates
	$(MANAGE) check
	$(MANAGE) makemigrations --check --dry-run
	DJANGO_SECRET_KEY=$$(printf 'x%.0s' $$(seq 60))-quality-check-only \
		DJANGO_SETTINGS_MODULE=config.settings.base $(MANAGE) check --deploy --fail-level WARNING

fix: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .
	$(BIN)/djlint --reformat clauses/templates

# Benchmarks print ratios against a reference measured in the same run.
# bench/registrations.py and bench/observatory.py need PostgreSQL (BENCH_DATABASE_URL, default on 127.0.0.1:5432).
bench: install
	$(BIN)/pip install --quiet -e ".[dev,bench]"
	$(PY) bench/qpv_lookup.py
	$(PY) bench/registrations.py
	$(PY) bench/practices.py
	$(PY) bench/recueil.py
	$(PY) bench/import.py
	$(PY) bench/seed.py
	$(PY) bench/observatory.py
	$(PY) bench/disclosure.py

clean:
	rm -rf var/clauses.sqlite3* var/static
