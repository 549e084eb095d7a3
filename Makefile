# Gapmap: `make run` starts everything on a bare machine; `make test` runs the suite.
# Django 6 needs Python 3.12+: take the newest suitable interpreter on PATH, then pyenv's.
PYTHON ?= $(firstword $(foreach p,python3.13 python3.12 python3 \
	$(wildcard $(HOME)/.pyenv/versions/3.13*/bin/python3) $(wildcard $(HOME)/.pyenv/versions/3.12*/bin/python3),\
	$(shell $(p) -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && echo $(p))) python3)
VENV := .venv
LANGUAGES := de en
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed
PO_FILES := $(wildcard locale/*/LC_MESSAGES/django.po)
MO_FILES := $(PO_FILES:.po=.mo)

.PHONY: install lock run serve test browser proxy gettext messages lint format bench clean

install: $(STAMP) $(MO_FILES)

# Exactly the tested versions: requirements.lock (every package, pinned with its hashes)
# first, then Gapmap itself, which finds its dependencies already there. `make lock`
# rewrites the lock after a change to pyproject.toml (README: "Dependencies").
$(STAMP): pyproject.toml requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 12))' || \
		{ echo "Gapmap needs Python 3.12 or newer (found $$($(PYTHON) --version))."; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet -e ".[dev,semantic]"
	touch $(STAMP)

# The interface's translations: each catalogue compiled when it changed, as Django's
# compilemessages does, with msgfmt's full --check (placeholders, plural forms, header), so
# a broken entry fails the build; tests/test_i18n.py fails on untranslated or fuzzy ones.
locale/%/LC_MESSAGES/django.mo: locale/%/LC_MESSAGES/django.po | gettext
	msgfmt --check -o $@ $<

# gettext's msgfmt (compilemessages) and xgettext (makemessages): Debian's package, installed
# where missing and possible, like Chromium.
gettext:
	@command -v msgfmt >/dev/null || { command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ] && \
		{ apt-get install -y -qq gettext >/dev/null 2>&1 || \
		  { apt-get update -qq && apt-get install -y -qq gettext >/dev/null; }; }; } || \
		{ echo "gettext (msgfmt) is missing and could not be installed: install Debian's gettext."; exit 1; }

# After changing or adding interface text: update both catalogues (new messages appear
# untranslated in locale/de/LC_MESSAGES/django.po), translate them, then `make install`.
messages: install
	DJANGO_DEBUG=true $(BIN)/python manage.py makemessages $(foreach l,$(LANGUAGES),-l $(l))

# Re-resolve requirements.lock from pyproject.toml, keeping every pin that still fits;
# `make lock UPGRADE=1` moves every package to its newest allowed version,
# `make lock UPGRADE=django` one package. Then `make install` and the suite.
LOCK_OPTIONS := --extra dev --extra semantic --universal --python-version 3.12 --generate-hashes
lock: install
	$(BIN)/uv pip compile pyproject.toml $(LOCK_OPTIONS) -o requirements.lock \
		$(if $(filter 1,$(UPGRADE)),--upgrade,$(if $(UPGRADE),--upgrade-package $(UPGRADE)))

# `make run` is the local demo: DEBUG on unless the caller says otherwise.
run: export DJANGO_DEBUG ?= true
# The demo lets anyone sign up, and prints mail (invitations, password resets) in this
# terminal instead of sending it; set EMAIL_URL=smtp://… to send for real.
run: export GAPMAP_OPEN_SIGNUP ?= true
run: export EMAIL_URL ?= consolemail://
# Static files collected and served as in production (compressed, hashed names cached for
# good); the first run compresses them (about a minute), later runs reuse that.
run: export GAPMAP_STATIC_COLLECTED ?= true
run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput -v 0
	$(BIN)/python manage.py load_demo
	@echo "E-mail $(if $(filter consolemail://%,$(EMAIL_URL)),is printed in this terminal (Django's console backend; EMAIL_URL=smtp://… sends it),goes out through EMAIL_URL);"
	@echo "sign-up is $(if $(filter true 1 yes on,$(GAPMAP_OPEN_SIGNUP)),open at /signup/,closed) (GAPMAP_OPEN_SIGNUP=$(GAPMAP_OPEN_SIGNUP))."
	@$(MAKE) --no-print-directory serve

# The web server and the two workers (interactive, background) on the data as it is
# (`make run` migrates and loads the demo first). One signal to the process group stops
# them all, once: Ctrl-C (SIGINT), or
# SIGTERM from a process manager or a container stop. bin/serve.py forwards it to each
# child, which runs in its own session so that the signal never reaches the worker's pool
# processes directly (tests/test_make_run.py).
serve: export DJANGO_DEBUG ?= true
serve: install
	@echo "Gapmap on http://127.0.0.1:$(PORT)/  (Ctrl-C stops the web server and the workers)"
	@$(BIN)/python bin/serve.py 127.0.0.1:$(PORT)

# One pytest process per core (pytest-xdist; each has its own data directory and Redis
# databases: config/settings/test.py). A module's tests stay on one process, so what a
# module builds once (the security tests' world) is built once. At most four: Redis's 16
# databases hold four workers' own. The fault tests (real Celery workers killed, Redis
# restarted, the database cut off, each against deadlines) then run alone, as one process.
# PYTEST_WORKERS=0 runs everything in this one process.
PYTEST_WORKERS ?= auto
PARALLEL := -n $(PYTEST_WORKERS) --maxprocesses 4 --dist loadfile
test: install browser proxy
	$(BIN)/python -m pytest $(PARALLEL) --ignore tests/faults
	$(BIN)/python -m pytest tests/faults

# The browser tests drive Debian's Chromium (Playwright cannot download browsers here).
# Installed when missing and possible; otherwise those tests skip with the reason (and fail
# under CI=true).
CHROMIUM ?= /usr/bin/chromium
browser:
	@test -x $(CHROMIUM) || { command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ] && \
		{ apt-get install -y -qq chromium >/dev/null 2>&1 || \
		  { apt-get update -qq && apt-get install -y -qq chromium >/dev/null; }; }; } || \
		echo "Chromium is not installed and could not be installed: browser tests will skip."

# The production-shape test (tests/e2e/test_nginx_proxy.py) runs Debian's nginx with the
# configuration in deploy/nginx/; installed when missing and possible, like Chromium.
NGINX ?= /usr/sbin/nginx
proxy:
	@test -x $(NGINX) || { command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ] && \
		{ apt-get install -y -qq nginx-light >/dev/null 2>&1 || apt-get install -y -qq nginx >/dev/null 2>&1 || \
		  { apt-get update -qq && apt-get install -y -qq nginx >/dev/null; }; }; } || \
		echo "nginx is not installed and could not be installed: the proxy test will skip."

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Benchmarks run on a throwaway data directory (SQLite + filesystem queue by default).
# bench/ is developer tooling at the top level: not in the wheel, imported by no product code.
bench: install
	@dir=$$(mktemp -d); trap 'rm -rf "$$dir"' EXIT; \
	export GAPMAP_DATA_DIR="$$dir" DJANGO_SECRET_KEY=bench-only-not-a-secret \
		DJANGO_ALLOWED_HOSTS=127.0.0.1 DJANGO_SECURE_SSL_REDIRECT=false GAPMAP_LOG_LEVEL=WARNING; \
	$(BIN)/python manage.py migrate --noinput -v 0 && \
	$(BIN)/python manage.py collectstatic --noinput -v 0 && $(BIN)/python -m bench

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
