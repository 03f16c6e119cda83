# The two commands of the README: `make test` and `make demo`. Both set up what is missing
# (Debian packages when root, a virtualenv with the package and its extras) first.
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin

.PHONY: setup system-packages test lint typecheck pytest package-check demo bench clean

setup: system-packages $(VENV)/.installed

system-packages:
	bash .ci/install-system-packages

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test,lint,scim]'
	touch $@

lint: setup
	$(BIN)/ruff check
	$(BIN)/ruff format --check

typecheck: setup
	$(BIN)/mypy --strict ldapconnector

pytest: setup
	$(BIN)/pytest

# The built wheel and sdist, tested as shipped (see .ci/package-check).
package-check: setup
	bash .ci/package-check $(BIN)/python

test: lint typecheck pytest package-check

demo: setup
	$(BIN)/ldapconnector demo

bench: setup
	for script in benchmarks/bench_*.py; do $(BIN)/python "$$script" || exit 1; done

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache *.egg-info
