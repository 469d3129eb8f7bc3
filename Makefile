# GridLens: the two commands.  `make run` starts the dashboard on the demo street,
# `make test` runs the whole suite.  Both create .venv on first use.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501
# Leaflet and its plugins, fetched once from the npm registry (pinned, integrity-checked): maps need no internet
ASSETS := static/vendor/.complete

.PHONY: run test bench demo clean-store

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements-dev.txt requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

$(ASSETS): analysis/maps/assets.py | $(VENV)/.runtime
	$(BIN)/python -m analysis.maps.assets
	touch $@

run: $(VENV)/.runtime $(ASSETS)
	$(BIN)/python -m analysis init --if-empty
	$(BIN)/streamlit run dashboard.py --server.port $(PORT)

test: $(VENV)/.dev $(ASSETS)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

bench: $(VENV)/.dev
	$(BIN)/python bench/pages.py --incidents 1000000 --grids 1000
	$(BIN)/python bench/geocode.py --points 1000000 --polygons 1000
	$(BIN)/python bench/import_csv.py --rows 1000000

demo: $(VENV)/.runtime
	$(BIN)/python -m analysis demo

clean-store:
	rm -f geodata/local/gridlens.sqlite
