# Two commands for a fresh machine: `make run` and `make test`. Both (re)build .venv when it is
# missing or when pyproject.toml / constraints.txt changed, and do nothing extra otherwise.
SHELL  := /bin/bash
.SHELLFLAGS := -o pipefail -c
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test lint bytecode clean

run: bytecode
	$(BIN)/caughtup

test: bytecode lint
	@# one worker per core: much of the suite waits on subprocesses, pilots and tmux
	$(BIN)/pytest -n auto --dist worksteal

# Bytecode ahead (quick when current): with PYTHONDONTWRITEBYTECODE set, every start of the app
# would otherwise compile its sources again (about 20 ms of a 60 ms `status`).
bytecode: $(STAMP)
	@$(BIN)/python -m compileall -q tracker screens questionnaires

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache

$(STAMP): pyproject.toml constraints.txt
	@# without the venv's own setuptools, whose .pth hook every Python start would pay for
	@# (builds get setuptools in their isolated environment)
	@test -x $(BIN)/python || { $(PYTHON) -m venv $(VENV) && \
		$(BIN)/python -m pip uninstall --quiet --yes setuptools; }
	@# compat mode: a plain path entry, so startup pays no import-hook cost (status has 60 ms).
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt \
		--config-settings editable_mode=compat -e '.[test]' 2>&1 | { grep -v '^WARNING: Location' || true; }
	@touch $(STAMP)

clean:
	rm -rf $(VENV) build dist *.egg-info
