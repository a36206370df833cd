# The two commands of the quick start, and the instructor's release step.
#   make start   set up .venv, copy the course into work/ and open it in JupyterLab
#   make test    set up .venv and run every check of the project (make test-fast: all but the slow ones)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: start test test-fast release bench clean system

start: $(INSTALLED)
	$(BIN)/nudge start $(ARGS)

# The whole suite in random order, a test file to a core (a file's fixtures, such as one grading batch, are built once).
test: $(INSTALLED) system
	$(BIN)/ruff check course autograder tests benchmarks source
	$(BIN)/mypy
	$(BIN)/python -m pytest -n auto --dist loadfile $(ARGS)

# The inner loop: everything but the tests marked slow or browser, in under two minutes on 2 cores.
test-fast: $(INSTALLED) system
	$(BIN)/ruff check course autograder tests benchmarks source
	$(BIN)/mypy
	$(BIN)/python -m pytest -n auto -m "not slow and not browser" $(ARGS)

release: $(INSTALLED)
	$(BIN)/nudge release

bench: $(INSTALLED)
	$(BIN)/python benchmarks/notebooks.py
	$(BIN)/python benchmarks/widgets.py
	$(BIN)/python benchmarks/grading.py

# Reinstall whenever the dependencies change; the stamp keeps `make start` instant otherwise.
$(INSTALLED): pyproject.toml
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 10), "Nudge needs Python 3.10 or newer"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --editable ".[dev]"
	touch $@

# Programs from Debian: bubblewrap isolates `nudge grade`, Chromium runs tests/test_browser.py and
# tests/test_formgrader.py, PostgreSQL gives tests/test_postgres.py and test_formgrader.py a throwaway server (no test
# ever downloads a browser or a server of its own). Root installs what is missing; anyone else is told how.
SYSTEM_PROGRAMS := bwrap:bubblewrap chromium:chromium pg_ctlcluster:postgresql
system:
	@missing=""; for pair in $(SYSTEM_PROGRAMS); do command -v $${pair%%:*} >/dev/null || missing="$$missing $${pair#*:}"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  else echo "make test needs$$missing: sudo apt-get install$$missing" >&2; exit 1; fi; \
	fi

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache
