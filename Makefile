# Two commands matter: `make book` builds the website, `make test` runs every test.
# Both set up everything they need first (a virtual environment in .venv).
SHELL := bash
.SHELLFLAGS := -eo pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
WHEEL_DIR := _build/wheel
SITE := _build/html

# The exact, hash-checked versions `make setup` installs. `make lock` regenerates LOCK from
# LOCK_INPUT (which names pyproject.toml's extras and instructor/pyproject.toml); it resolves
# for LOCK_PYTHON on LOCK_PLATFORM, and elsewhere setup falls back to pyproject's ranges.
LOCK := requirements/lock.txt
LOCK_INPUT := requirements/lock.in
LOCK_PYTHON := 3.11
LOCK_PLATFORM := x86_64-unknown-linux-gnu
LOCAL_PACKAGES := svdcourse svdcourse-grade
# the contributor loop: everything but the website, the browser, nbgrader and grading runs
FAST_TESTS := not book and not browser and not lab and not grading and not postgres and not slow

# Kernels and Jupyter data come from the project environment first, so the chapters and labs
# always execute with the Python that has svdcourse installed, whatever the user has elsewhere.
export JUPYTER_PATH := $(CURDIR)/$(VENV)/share/jupyter
export PYDEVD_DISABLE_FILE_VALIDATION := 1

.PHONY: help setup lock book wheel test test-fast labs serve lab bench clean system-packages pdf \
	node-packages

help:  ## list the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-15s %s\n", $$1, $$2}'

$(STAMP): $(LOCK) pyproject.toml instructor/pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 10), "Python 3.10 or newer is needed"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	@if $(BIN)/python -c 'import platform, sys; sys.exit(not (sys.platform == "linux" and platform.machine() == "x86_64" and sys.version_info[:2] == tuple(map(int, "$(LOCK_PYTHON)".split(".")))))'; then \
	  echo "Installing the locked versions of $(LOCK) (hashes checked)"; \
	  $(BIN)/python -m pip install --quiet --require-hashes --no-deps -r $(LOCK); \
	  $(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e . -e ./instructor; \
	  $(BIN)/python -m pip check || { echo "$(LOCK) does not satisfy pyproject.toml: run 'make lock'"; exit 1; }; \
	else \
	  echo "NOTE: $(LOCK) is for CPython $(LOCK_PYTHON) on Linux x86_64; this is another platform,"; \
	  echo "      so the newest versions within pyproject.toml's ranges are installed instead."; \
	  $(BIN)/python -m pip install --quiet -e ".[lab,book,test]" -e ./instructor; \
	fi
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (svdcourse)" >/dev/null
	touch $@

setup: $(STAMP)  ## create .venv with the project and everything the book, labs and tests need

lock:  ## re-resolve requirements/lock.txt from pyproject.toml (UPGRADE=1: newest versions)
	@test -x $(BIN)/uv || { $(PYTHON) -m venv $(VENV) && $(BIN)/python -m pip install --quiet uv; }
	$(BIN)/uv pip compile $(LOCK_INPUT) --output-file $(LOCK) --generate-hashes \
	  --python-version $(LOCK_PYTHON) --python-platform $(LOCK_PLATFORM) \
	  $(foreach p,$(LOCAL_PACKAGES),--no-emit-package $(p)) \
	  --custom-compile-command "make lock" --quiet $(if $(UPGRADE),--upgrade)
	@echo "$(LOCK) regenerated; 'make setup' installs it"

wheel: $(STAMP)  ## build the svdcourse wheel that the website offers students
	rm -rf $(WHEEL_DIR)
	$(BIN)/python -m build --wheel --outdir $(WHEEL_DIR) . >/dev/null
	@ls $(WHEEL_DIR)/*.whl

book: $(STAMP) system-packages wheel  ## build the website and its PDF into _build/html (warnings are errors)
	$(BIN)/python tests/book_build.py
	@echo "Website built: open $(SITE)/index.html or run 'make serve'"

pdf: $(STAMP)  ## print the built website into one PDF, _build/html/svd-intuitions.pdf (Chromium)
	$(BIN)/python book/_ext/print_book.py $(SITE)

# axe-core, the accessibility checker the browser tests inject into pages, pinned by
# package-lock.json (never served to readers).
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

node-packages: node_modules/.package-lock.json  ## install the test tools from npm (axe-core)

# Debian packages the tests need. As root (these machines, CI) they are installed when missing;
# elsewhere the tests that need them are skipped with a message naming the package.
DEBIAN_PACKAGES := chromium postgresql bubblewrap
system-packages:  ## install the Debian packages the tests need (as root, when missing)
	@missing=""; \
	for pkg in $(DEBIAN_PACKAGES); do dpkg -s $$pkg >/dev/null 2>&1 || missing="$$missing $$pkg"; done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "Installing Debian packages:$$missing"; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get update -qq && apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	else \
	  echo "Missing Debian packages:$$missing (not root, not installed); the tests that need them will be skipped."; \
	fi

test: $(STAMP) system-packages node-packages wheel  ## run the whole test suite (builds the book on the way)
	$(BIN)/python -m pytest

test-fast: $(STAMP)  ## the contributor loop: package, checks, lab test cells (no book, browser, nbgrader)
	$(BIN)/python -m pytest -m "$(FAST_TESTS)"

labs: $(STAMP)  ## regenerate the student notebooks in labs/ from solutions/
	for lab in $$(ls solutions); do $(BIN)/nbgrader generate_assignment "$$lab" --force --log-level=WARN; done
	rm -f .nbgrader.log

serve: book  ## serve the built website on localhost
	@echo "Serving the website at http://127.0.0.1:8000/ (Ctrl-C stops)"
	$(BIN)/python -m http.server 8000 --bind 127.0.0.1 --directory $(SITE)

lab: $(STAMP)  ## open JupyterLab on labs/, the way a student works
	$(BIN)/jupyter lab --notebook-dir=labs

bench: $(STAMP)  ## measure build, page sizes, lab run times and grading throughput
	$(BIN)/python tests/benchmarks/bench.py
	$(BIN)/python tests/benchmarks/bench_grading.py

clean:  ## remove build output (keeps .venv)
	rm -rf _build .pytest_cache
