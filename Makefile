# Set-up and everyday commands. `make run` and `make test` work on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint catalogs extract chromium bytecode clean
AXE := tests/browser/npm/node_modules/axe-core/axe.min.js

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

catalogs: $(STAMP)
	$(BIN)/pybabel compile -d locales -D messages --statistics

extract: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _ -k gettext -k ngettext:1,2 -k N_ -k pgettext:1c,2 -k NC_:1c,2 -k say:2 --add-comments=Translators: --no-location \
		--sort-output -o locales/messages.pot .
	$(BIN)/pybabel update -i locales/messages.pot -d locales -D messages --no-fuzzy-matching --ignore-obsolete --width=100
	$(BIN)/python scripts/fill_english_catalog.py locales/en/LC_MESSAGES/messages.po

chromium:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "Installing Debian's chromium for the browser tests"; \
		apt-get install -y chromium >/dev/null 2>&1 || \
		{ apt-get update >/dev/null 2>&1 && apt-get install -y chromium >/dev/null; }; }

# axe-core and rasa-webchat for the browser tests, pinned in their lock file
$(AXE): tests/browser/npm/package-lock.json
	npm ci --prefix tests/browser/npm --silent --no-audit --no-fund --ignore-scripts
	touch $(AXE)

# Our modules compiled ahead, as a deployment image does: with PYTHONDONTWRITEBYTECODE set,
# every start would compile them again (0.2 s of start-up). Only changed files are compiled.
bytecode: $(STAMP)
	$(BIN)/python -m compileall -q -j 0 bot backend escalation common privacy tools

run: $(STAMP) catalogs bytecode
	$(BIN)/msaidizi serve

test: $(STAMP) catalogs chromium $(AXE)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache tests/browser/npm/node_modules
