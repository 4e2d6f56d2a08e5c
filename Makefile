# Accord: `make run` serves the portal with the demo; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
PORT ?= 5000
WORKERS ?= 4
# pytest-xdist processes for `make test`: one per core by default (idle workers take queued tests from
# busy ones); TEST_WORKERS=0 runs everything in one process.
TEST_WORKERS ?= auto

# The interface's catalogues: messages.po is the source, kept in git; messages.mo is built from it
# here, on install, so that a clone never runs on a stale compiled file.
CATALOGUES := $(wildcard translations/*/LC_MESSAGES/messages.po)
COMPILED := $(CATALOGUES:.po=.mo)

.PHONY: run test serve install install-dev migrate bench clean translations

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/activate
	@$(BIN)/python -c "import icu" 2>/dev/null || pkg-config --exists icu-i18n || { echo "PyICU needs ICU's headers and pkg-config: apt-get install g++ pkg-config libicu-dev (see README, Quick start)" >&2; exit 1; }
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

translations/%/LC_MESSAGES/messages.mo: translations/%/LC_MESSAGES/messages.po $(VENV)/.installed
	$(BIN)/pybabel compile --statistics -i $< -o $@

install: $(VENV)/.installed $(COMPILED)
install-dev: $(VENV)/.installed-dev $(COMPILED)

# After adding or changing text: collect every _() of app/ and templates/, then add the new
# messages to each language's catalogue (translate them there; tests/test_translations.py fails
# until every message has a Thai translation).
translations: install
	$(BIN)/pybabel extract -F babel.cfg -k N_ -k _l --no-location --sort-output \
		--project Accord --copyright-holder "Accord" -o translations/messages.pot .
	$(BIN)/pybabel update --no-fuzzy-matching -i translations/messages.pot -d translations
	$(MAKE) install

migrate: install
	$(FLASK) db upgrade

run: migrate
	$(FLASK) demo --if-empty
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

serve: migrate
	$(BIN)/gunicorn --workers $(WORKERS) --bind 127.0.0.1:$(PORT) --access-logfile - wsgi:app

test: install-dev
	$(BIN)/pytest -n $(TEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

# Not part of `make test`: about 6 minutes on two shared cores; BENCH_ARGS="--database sqlite" or "--quick".
bench: install-dev
	$(BIN)/python -m bench.run $(BENCH_ARGS)
	$(BIN)/python -m bench.leads $(BENCH_ARGS)

clean:
	rm -rf $(VENV) instance/*.db
