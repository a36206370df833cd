# The two commands of the quick start, and the instructor's release step.
#   make start   set up .venv, copy the course into work/ and open it in JupyterLab
#   make test    set up .venv and run every check of the project
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: start test release bench clean sandbox

start: $(INSTALLED)
	$(BIN)/nudge start $(ARGS)

test: $(INSTALLED) sandbox
	$(BIN)/ruff check course autograder tests benchmarks source
	$(BIN)/python -m pytest $(ARGS)

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

# `nudge grade` isolates each submission with bubblewrap (Debian package); root installs it if missing.
sandbox:
	@command -v bwrap >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get update -qq && apt-get install -y -qq bubblewrap; } \
	  || { echo "nudge grade needs bubblewrap: sudo apt-get install bubblewrap" >&2; exit 1; }

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
