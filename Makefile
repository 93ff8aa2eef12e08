# `make demo` and `make test` are all a new user needs; the other targets are
# the steps they are made of.

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
# The demo runs with DEBUG on (so runserver serves static files) and writes
# emails to files in sent-mail/ instead of sending them, to the synthetic
# example.org addresses only.
DEMO_ENV := ONROLL_DEBUG=true \
	ONROLL_EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend \
	ONROLL_EMAIL_ALLOW_LIST=@example.org
# pytest-xdist workers; `make test WORKERS=0` runs in one process.
WORKERS ?= auto

.PHONY: demo test install frontend browser lint format clean

demo: install
	$(DEMO_ENV) $(MANAGE) migrate --no-input
	$(DEMO_ENV) $(MANAGE) load_demo
	$(DEMO_ENV) $(MANAGE) sweep_deadlines
	$(DEMO_ENV) $(MANAGE) send_outbox --once
	@echo "Onroll is at http://127.0.0.1:8000 (stop with Ctrl+C)."
	$(DEMO_ENV) $(MANAGE) runserver 127.0.0.1:8000

test: install browser lint
	$(MANAGE) makemigrations --check --dry-run
	$(BIN)/pytest -n $(WORKERS)

install: $(VENV)/.installed frontend

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

frontend: node_modules/.installed
	sh frontend/build.sh

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

# The browser tests drive Debian's Chromium; Playwright never downloads one.
browser:
	@command -v chromium >/dev/null || { \
		echo "Installing Debian's chromium package for the browser tests."; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) node_modules frontend/build staticfiles sent-mail onroll.sqlite3
