# Gapmap: `make run` starts everything on a bare machine; `make test` runs the suite.
# Django 6 needs Python 3.12+: take the newest suitable interpreter on PATH, then pyenv's.
PYTHON ?= $(firstword $(foreach p,python3.13 python3.12 python3 \
	$(wildcard $(HOME)/.pyenv/versions/3.13*/bin/python3) $(wildcard $(HOME)/.pyenv/versions/3.12*/bin/python3),\
	$(shell $(p) -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && echo $(p))) python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: install run test lint format bench clean

install: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 12))' || \
		{ echo "Gapmap needs Python 3.12 or newer (found $$($(PYTHON) --version))."; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

# `make run` is the local demo: DEBUG on unless the caller says otherwise.
run: export DJANGO_DEBUG ?= true
run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	@echo "Gapmap on http://127.0.0.1:$(PORT)/  (Ctrl-C stops the web server and the worker)"
	@trap 'kill 0' INT TERM EXIT; \
	$(BIN)/celery -A config worker --beat --loglevel=INFO --concurrency=2 & \
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: install
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Benchmarks run on a throwaway data directory (SQLite + filesystem queue by default).
bench: install
	@dir=$$(mktemp -d); trap 'rm -rf "$$dir"' EXIT; \
	export GAPMAP_DATA_DIR="$$dir" DJANGO_SECRET_KEY=bench-only-not-a-secret \
		DJANGO_ALLOWED_HOSTS=127.0.0.1 DJANGO_SECURE_SSL_REDIRECT=false; \
	$(BIN)/python manage.py migrate --noinput -v 0 && $(BIN)/python manage.py bench

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
