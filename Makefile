# GridLens: the two commands.  `make run` starts the dashboard on the demo street,
# `make test` runs the whole suite.  Both create .venv on first use and install from the lock files
# (every package pinned, hashes checked); `make lock` writes the lock files again from requirements*.txt.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501
# Leaflet and its plugins, fetched once from the npm registry (pinned, integrity-checked): maps need no internet
ASSETS := static/vendor/.complete
PIP_INSTALL := $(BIN)/pip install --quiet --require-hashes
LOCK := $(BIN)/uv pip compile --quiet --generate-hashes --universal --python-version 3.11

.PHONY: run test lint bench demo clean-store lock

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.lock | $(BIN)/python
	$(PIP_INSTALL) -r requirements.lock
	touch $@

$(VENV)/.dev: requirements-dev.lock requirements.lock | $(BIN)/python
	$(PIP_INSTALL) -r requirements-dev.lock
	touch $@ $(VENV)/.runtime

$(ASSETS): analysis/maps/assets.py | $(VENV)/.runtime
	$(BIN)/python -m analysis.maps.assets
	touch $@

run: $(VENV)/.runtime $(ASSETS)
	$(BIN)/python -m analysis init --if-empty
	$(BIN)/python -m analysis serve --port $(PORT)

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/mypy

# the browser tests share one worker (xdist group "browser"); the other tests spread over the rest
test: lint $(ASSETS)
	$(BIN)/python -m pytest -n 2 --dist loadgroup

lock: $(VENV)/.dev
	$(LOCK) requirements.txt --output-file requirements.lock
	$(LOCK) requirements-dev.txt --output-file requirements-dev.lock

bench: $(VENV)/.dev
	$(BIN)/python bench/pages.py --incidents 1000000 --grids 1000
	$(BIN)/python bench/geocode.py --points 1000000 --polygons 1000
	$(BIN)/python bench/import_csv.py --rows 1000000

demo: $(VENV)/.runtime
	$(BIN)/python -m analysis demo

clean-store:
	rm -f geodata/local/gridlens.sqlite
