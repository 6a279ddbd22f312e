# cdcare: `make run` (demo app on http://127.0.0.1:8000) and `make test` work on a fresh machine.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.cdcare-installed
export CDCARE_DATA_DIR ?= var

.PHONY: run test lint pytest bench i18n clean

$(STAMP): pyproject.toml scripts/system-deps.sh
	scripts/system-deps.sh
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

run: $(STAMP)
	CDCARE_DEMO=1 $(BIN)/cdcare db upgrade
	CDCARE_DEMO=1 $(BIN)/cdcare demo --if-empty
	CDCARE_DEMO=1 $(BIN)/cdcare serve --host 127.0.0.1 --port 8000

test: lint pytest

lint: $(STAMP)
	$(BIN)/ruff check
	$(BIN)/ruff format --check
	$(BIN)/mypy

pytest: $(STAMP)
	$(BIN)/pytest

bench: $(STAMP)
	for b in benchmarks/*.py; do echo "== $$b"; $(BIN)/python $$b; done

# Extract marked messages into a template; Korean translations live in src/cdcare/locale/ko.
i18n: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -o src/cdcare/locale/messages.pot src/cdcare

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
