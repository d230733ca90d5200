# periodize: two commands on a fresh machine.
#   make demo        create .venv, install, solve a shipped scenario and print the plan
#   make test        create .venv if needed, then lint, type check and the whole test suite
#   make test-fast   the same without the tests marked slow
#   make docs        regenerate the generated parts of docs/ from the code
#   make fuzz        the fuzz test of every reader of untrusted text, thorough (minutes)
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEMO   ?= scenarios/dolomites-50k-intermediate.yaml

.PHONY: demo test test-fast lint typecheck pytest pytest-fast test-thorough fuzz docs bench format clean

$(STAMP): pyproject.toml
	@test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

demo: $(STAMP)
	$(BIN)/periodize validate scenarios/*.yaml
	$(BIN)/periodize solve $(DEMO) --format table --time-limit 20

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	$(BIN)/pytest -q

test: lint typecheck pytest

pytest-fast: $(STAMP)
	$(BIN)/pytest -q -m "not slow"

test-fast: lint typecheck pytest-fast

docs: $(STAMP)
	$(BIN)/python -m periodize.reference docs

test-thorough: $(STAMP)
	HYPOTHESIS_PROFILE=thorough $(BIN)/pytest -q --hypothesis-show-statistics tests/test_properties.py tests/test_fuzz.py $(PYTEST_ARGS)

fuzz: $(STAMP)
	HYPOTHESIS_PROFILE=thorough $(BIN)/pytest -q --hypothesis-show-statistics tests/test_fuzz.py $(PYTEST_ARGS)

bench: $(STAMP)
	$(BIN)/python -m benchmarks $(BENCH_ARGS)

format: $(STAMP)
	$(BIN)/ruff format src tests benchmarks
	$(BIN)/ruff check --fix src tests benchmarks

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
