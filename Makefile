# Two commands for a newcomer: `make demo` and `make test`. Each creates .venv and installs what it needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# `make test` installs chromium and a CJK font for the audit.html browser test when run as root
# (tests/setup_browser.sh); `make test XXGK_INSTALL_BROWSER=0` opts out and that test skips.
XXGK_INSTALL_BROWSER ?= 1

.PHONY: demo test test-fast lint bench fixtures clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

# The OCR extra too: its tests read scanned fixtures with the models its wheel ships.
$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[test,ocr]'
	touch $@ $(VENV)/.installed

$(VENV)/.installed-lint: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[test,lint,ocr]'
	touch $@ $(VENV)/.installed-test $(VENV)/.installed

demo: $(VENV)/.installed
	rm -rf out
	$(BIN)/xxgk parse fixtures/ -o out/ ; status=$$?; \
	echo "Output written to out/: $$(ls out | tr '\n' ' ')"; \
	[ $$status -le 1 ]

test: $(VENV)/.installed-test
	XXGK_INSTALL_BROWSER=$(XXGK_INSTALL_BROWSER) sh tests/setup_browser.sh
	$(BIN)/python -m pytest

# ruff over the tree; mypy over the package as it installs (xxgk.ingest … map the top-level folders,
# which mypy cannot follow through the editable install's import hook, so it reads a tree of links).
TYPECHECK := build/typecheck
lint: $(VENV)/.installed-lint
	$(BIN)/ruff check .
	rm -rf $(TYPECHECK) && mkdir -p $(TYPECHECK)/xxgk
	ln -s $(CURDIR)/xxgk/*.py $(TYPECHECK)/xxgk/
	for stage in ingest parsers normalize output; do ln -s $(CURDIR)/$$stage $(TYPECHECK)/xxgk/$$stage; done
	cd $(TYPECHECK) && $(CURDIR)/$(BIN)/mypy --config-file $(CURDIR)/pyproject.toml -p xxgk

# The suite without the system tests marked slow (subprocess batches, Dask, browser, LibreOffice, builds).
test-fast: $(VENV)/.installed-test
	$(BIN)/python -m pytest -m "not slow"

bench: $(VENV)/.installed-test
	$(BIN)/python bench/accuracy.py ../shared/corpus

fixtures: $(VENV)/.installed-test
	$(BIN)/python fixtures/make_fixtures.py
	$(BIN)/python fixtures/audit/make_audit_fixtures.py

clean:
	rm -rf $(VENV) out build
