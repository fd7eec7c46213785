# byoc-iam: `make demo` (set up + the whole flow on the embedded sandbox), `make test` (set up + every check).
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup install demo test check bench clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev,sandbox]'
	touch $(STAMP)

setup: $(STAMP)

# byoc-iam on PATH: a link in ~/.local/bin to the venv's entry point (or: pipx install '.[sandbox]')
install: setup
	mkdir -p $(HOME)/.local/bin
	ln -sf $(abspath $(BIN))/byoc-iam $(HOME)/.local/bin/byoc-iam
	@echo "byoc-iam is in $(HOME)/.local/bin (put it on PATH if it is not)"

demo: setup
	$(BIN)/byoc-iam demo

check: setup
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy

test: check
	$(BIN)/python -m pytest -n 2

bench: setup
	@for f in bench/*.py; do echo "== $$f"; $(BIN)/python $$f || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
