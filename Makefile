# `make demo` sets everything up (idempotent) and runs the main job; `make test` runs every test.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PLUGINS := plugins/backend_jax plugins/backend_onnx plugins/layers_vision plugins/layers_text
STAMP := $(VENV)/.oneiros-installed

.PHONY: setup demo test clean

setup: $(STAMP)

$(STAMP): pyproject.toml $(addsuffix /pyproject.toml,$(PLUGINS))
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip "setuptools>=77"
	$(PY) -m pip install --quiet -e ".[test]" $(addprefix -e ,$(PLUGINS))
	touch $(STAMP)

demo: setup
	$(PY) examples/demo.py

test: setup
	$(PY) -m pytest
	$(PY) -m pytest --pyargs oneiros.testing.conformance --oneiros-backend jax -q

clean:
	rm -rf $(VENV)
