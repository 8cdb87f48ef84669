# The two commands: `make run` (set up and serve the demo) and `make test` (the whole suite).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
export PORT
# One pytest worker per core (at most four); PYTEST_ARGS= runs in one process.
PYTEST_ARGS ?= --numprocesses=auto --maxprocesses=4

.PHONY: run test fuzz lint format bench bench-tools install install-test browser clean samples messages pdf-libs nginx cluster-test

# The pages' Spanish and English catalogues, compiled from the .po files kept in the repo.
CATALOGUES := $(patsubst %.po,%.mo,$(wildcard campaign/translations/*/LC_MESSAGES/messages.po))

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

%.mo: %.po $(VENV)/.installed
	$(BIN)/pybabel compile --statistics -i $< -o $@ 2>&1 | grep -v '^compiling' || true
	@test -s $@

install: $(VENV)/.installed $(CATALOGUES) pdf-libs
install-test: $(VENV)/.installed-test $(CATALOGUES) pdf-libs

# WeasyPrint (the phase reports' PDF) draws text with Debian's Pango.
# WeasyPrint needs Pango, and HarfBuzz's subset library to embed fonts (without it, it warns on
# every PDF, which the tests treat as an error).
pdf-libs:
	@{ ldconfig -p 2>/dev/null | grep -q 'libpangoft2-1.0.so.0' && \
	   ldconfig -p 2>/dev/null | grep -q 'libharfbuzz-subset.so.0'; } || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && \
	    apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 >/dev/null; \
	  else echo "Pango or HarfBuzz's subset library is missing and this is not root: install libpango-1.0-0, libpangoft2-1.0-0 and libharfbuzz-subset0 for PDF reports"; fi; }

# After changing strings shown to people: extract them, then merge into both catalogues.
messages: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k ngettext:1,2 \
	  --sort-by-file --omit-header -o campaign/translations/messages.pot .
	$(BIN)/pybabel update --no-fuzzy-matching --ignore-obsolete --width 100 \
	  -i campaign/translations/messages.pot -d campaign/translations
	$(BIN)/python scripts/english_catalogue.py campaign/translations/en/LC_MESSAGES/messages.po
	@echo "Now translate the new entries of campaign/translations/es/LC_MESSAGES/messages.po"

run: install
	$(BIN)/campaign db upgrade
	$(BIN)/campaign load --demo --if-empty
	$(BIN)/campaign demo --port $(PORT)
	$(BIN)/campaign serve --port $(PORT)

# Debian's Chromium for the browser tests; Playwright never downloads a browser here.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	  else echo "chromium is not installed and this is not root: browser tests will skip"; fi; }

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

format: install-test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: install-test browser lint
	$(BIN)/python -m pytest $(PYTEST_ARGS)
	$(MAKE) --no-print-directory cluster-test

# Debian's nginx, for the cluster recipe's fault test (deploy/nginx.conf).
nginx:
	@command -v nginx >/dev/null 2>&1 || test -x /usr/sbin/nginx || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq nginx >/dev/null; \
	    { nginx -s stop || /usr/sbin/nginx -s stop; } >/dev/null 2>&1 || true; \
	  else echo "nginx is not installed and this is not root: install it for make cluster-test"; exit 1; fi; }

# Two app nodes on a throwaway PostgreSQL database behind nginx, 200 simulated players; node A is
# changed through, killed and restarted (README, "Several app nodes"). About a minute and a half.
cluster-test: install-test nginx
	$(BIN)/python scripts/cluster_test.py --players 200 --json instance/cluster-test.json

# The upload fuzz test at length (`make test` runs 60 examples): CAMPAIGN_FUZZ_EXAMPLES=50000 make fuzz
CAMPAIGN_FUZZ_EXAMPLES ?= 5000
fuzz: install-test
	CAMPAIGN_FUZZ_EXAMPLES=$(CAMPAIGN_FUZZ_EXAMPLES) $(BIN)/python -m pytest -n 0 -p no:randomly \
	  tests/rendering/test_upload_fuzz.py

# wrk loads the servers in the player benchmark; without it a slower Python client is used.
bench-tools:
	@command -v wrk >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq wrk >/dev/null; \
	  else echo "wrk is not installed and this is not root: the player bench uses a Python client"; fi; }

bench: install-test bench-tools nginx
	$(BIN)/python -m bench

samples: install
	$(BIN)/campaign slides samples samples/

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
