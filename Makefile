# Medvirke — `make run` to try it, `make test` to test it.
PYTHON ?= python3
PORT ?= 5000
SCALE ?= roros
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
VENDOR := app/static/vendor/designsystemet
PO_FILES := $(wildcard translations/*/LC_MESSAGES/messages.po)
MO_FILES := $(PO_FILES:.po=.mo)

.PHONY: run test setup lint format migrate seed translations-extract translations-update \
        translations-compile worker bench lighthouse clean

run: setup migrate seed ## Set up, migrate, seed the Røros demo and serve on 127.0.0.1:$(PORT)
	PORT=$(PORT) $(FLASK) run --host 127.0.0.1 --port $(PORT)

test: setup lint ## Set up and run ruff, lint-imports and the whole test suite
	$(BIN)/pytest

setup: $(VENV)/.installed node_modules/.installed $(VENDOR)/index.css $(VENDOR)/theme.css $(MO_FILES)

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(VENDOR)/index.css: node_modules/.installed
	mkdir -p $(VENDOR)
	cp node_modules/@digdir/designsystemet-css/dist/src/index.css $@

$(VENDOR)/theme.css: node_modules/.installed
	mkdir -p $(VENDOR)
	cp node_modules/@digdir/designsystemet-css/dist/theme/designsystemet.css $@

translations/%/LC_MESSAGES/messages.mo: translations/%/LC_MESSAGES/messages.po $(VENV)/.installed
	$(BIN)/pybabel compile --statistics -l $* -i $< -o $@

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: $(VENV)/.installed
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

migrate: setup
	$(FLASK) db upgrade

seed: setup
	$(FLASK) demo seed

translations-extract: setup
	$(FLASK) translate extract

translations-update: translations-extract
	$(FLASK) translate update

translations-compile: setup
	$(FLASK) translate compile

worker: setup ## The job worker: sends the outbox and runs scheduled jobs
	$(BIN)/huey_consumer app.worker.huey --workers 2

bench: setup ## Benchmark against a bare Flask app (SCALE=tiny|roros|oslo); installs wrk if missing
	command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	$(BIN)/python -m bench.run --scale $(SCALE)

lighthouse: ## Lighthouse over the public pages of a running server (make run; URL=… for another)
	test -x .lighthouse/node_modules/.bin/lighthouse || npm install --prefix .lighthouse \
		--no-audit --no-fund --loglevel=error 'lighthouse@^13'
	$(BIN)/python -m bench.lighthouse --base-url $(or $(URL),http://127.0.0.1:$(PORT))

clean:
	rm -rf $(VENV) node_modules .lighthouse $(VENDOR) translations/*/LC_MESSAGES/*.mo
