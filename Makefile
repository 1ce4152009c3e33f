# Two commands for a fresh machine: `make run` and `make test`. Both (re)build .venv when it is
# missing or when pyproject.toml / constraints.txt changed, and do nothing extra otherwise.
SHELL  := /bin/bash
.SHELLFLAGS := -o pipefail -c
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
WHEELS := $(VENV)/wheelhouse

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
	@# (builds get setuptools in their isolated environment), and with the pinned pip first: it
	@# fills the wheelhouse below in 7 s of CPU, the pip this Python bundles (23.2 here) in 17 s
	@test -x $(BIN)/python || { $(PYTHON) -m venv $(VENV) && \
		$(BIN)/python -m pip uninstall --quiet --yes setuptools && \
		$(BIN)/python -m pip install -qq --disable-pip-version-check -c constraints.txt pip; }
	@# Every locked dependency, and setuptools to build with, as wheels: the venv installs from
	@# them, and the packaging tests install the app with pipx and uv from them, offline. Filled
	@# anew, so no older pin lingers; caughtup's own wheel is left out (tests build a fresh one).
	@# -qq: errors only, not the build backend's notes (which pip 26 shows at -q).
	rm -rf $(WHEELS)
	$(BIN)/python -m pip wheel -qq --disable-pip-version-check -c constraints.txt \
		--wheel-dir $(WHEELS) '.[test]' setuptools
	rm -f $(WHEELS)/caughtup-*.whl
	@# compat mode: a plain path entry, so startup pays no import-hook cost (status has 60 ms).
	$(BIN)/python -m pip install -qq --disable-pip-version-check -c constraints.txt \
		--no-index --find-links $(WHEELS) --config-settings editable_mode=compat -e '.[test]'
	@touch $(STAMP)

clean:
	rm -rf $(VENV) build dist *.egg-info
