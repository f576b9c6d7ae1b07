# Two commands for a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
export HELPCENTER_DATA_DIR ?= $(CURDIR)/instance
HOST ?= 127.0.0.1
PORT ?= 5000
PO_FILES := $(wildcard helpcenter/translations/*/LC_MESSAGES/messages.po)
MO_FILES := $(PO_FILES:.po=.mo)

.PHONY: install translations setup run test test-fast test-e2e lint format bench extract-messages browser clean

install: $(STAMP) translations

# Re-installs only when pyproject.toml changes; creates the virtualenv when missing.
$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

translations: $(STAMP) $(MO_FILES)

helpcenter/translations/%/LC_MESSAGES/messages.mo: helpcenter/translations/%/LC_MESSAGES/messages.po
	$(BIN)/pybabel compile -i $< -o $@ -l $*

setup: install
	$(BIN)/helpcenter setup

run: setup
	@echo "Help center on http://$(HOST):$(PORT)/ (data in $(HELPCENTER_DATA_DIR))"
	@echo "First admin (once): HELPCENTER_DATA_DIR=$(HELPCENTER_DATA_DIR) $(BIN)/helpcenter create-user you@example.com --role admin --name 'Your Name'"
	$(BIN)/helpcenter serve --host $(HOST) --port $(PORT)

# Debian's chromium drives the browser tests; never a downloaded browser.
browser:
	@command -v chromium >/dev/null 2>&1 || (echo "installing Debian's chromium for the browser tests"; \
	  (apt-get update -qq || true) && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

test-fast: setup
	$(BIN)/helpcenter check
	$(BIN)/pytest -q -m "not e2e"

test: setup lint browser
	$(BIN)/helpcenter check
	$(BIN)/pytest -q -m "not e2e"
	$(BIN)/pytest -q -m e2e tests/e2e

bench: setup
	$(BIN)/python -m bench

extract-messages: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o helpcenter/translations/messages.pot --no-location --sort-output .
	$(BIN)/pybabel update -i helpcenter/translations/messages.pot -d helpcenter/translations --no-fuzzy-matching

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache
