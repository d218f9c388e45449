# `make demo` sets everything up (idempotent) and runs the main job; `make test` runs every test.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PLUGINS := plugins/backend_jax plugins/backend_onnx plugins/layers_vision plugins/layers_text plugins/backend_plaidml \
           plugins/backend_pytensor
# Installed with an extra that picks TensorFlow's CPU wheel, so not in PLUGINS (whose entries are folders).
TF_PLUGIN := plugins/backend_tensorflow
STAMP := $(VENV)/.oneiros-installed
# MXNet 1.9 needs numpy < 1.24 and JAX numpy >= 2: the MXNet backend gets its own environment.
MXNET_VENV ?= .venv-mxnet
MXNET_PY := $(MXNET_VENV)/bin/python
MXNET_PLUGINS := plugins/backend_mxnet plugins/layers_vision plugins/layers_text
MXNET_STAMP := $(MXNET_VENV)/.oneiros-installed

.PHONY: setup demo test clean setup-mxnet test-mxnet clean-mxnet

setup: $(STAMP)

$(STAMP): pyproject.toml $(addsuffix /pyproject.toml,$(PLUGINS)) $(TF_PLUGIN)/pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip "setuptools>=77"
	@# PlaidML 0.7.0 declares enum34, which shadows the standard library's enum: install it without its dependencies
	$(PY) -m pip install --quiet --no-deps plaidml==0.7.0
	$(PY) -m pip install --quiet -e ".[test]" $(addprefix -e ,$(PLUGINS)) -e "$(TF_PLUGIN)[cpu]"
	@# oi.utils.plot_model draws with Graphviz's dot (Debian's graphviz), installed here when missing and root
	command -v dot >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && apt-get update -q >/dev/null && \
		apt-get install -y -q graphviz >/dev/null; } || echo "warning: Graphviz's dot is missing: plot_model cannot draw"
	@# The PyTensor backend's C linker links Debian's OpenBLAS, installed here when missing and root
	ldconfig -p | grep -q 'libopenblas\.so ' || { [ "$$(id -u)" = 0 ] && apt-get update -q >/dev/null && \
		apt-get install -y -q libopenblas-dev >/dev/null; } || echo "warning: libopenblas-dev is missing: pytensor's jit runs on perform"
	touch $(STAMP)

demo: setup
	$(PY) examples/demo.py

# The suite keeps its own $$ONEIROS_HOME, starts it empty, and neither caches compiled programs nor
# remembers fusion choices between tests (the tests of those features set their own homes). PyTensor
# steps run uncompiled (a cold C compile costs more than the tests' few steps); test_jit.py checks
# the C and Numba linkers against it.
test: export ONEIROS_HOME := $(CURDIR)/.test-home
test: export ONEIROS_COMPILATION_CACHE := 0
test: export ONEIROS_REMEMBER_CHOICES := 0
test: export ONEIROS_PYTENSOR_LINKER := perform
test: setup setup-mxnet
	rm -rf "$(ONEIROS_HOME)"
	$(PY) -m pytest
	$(PY) -m pytest --pyargs oneiros.testing.conformance --oneiros-backend jax -q
	$(PY) -m pytest --pyargs oneiros.testing.conformance --oneiros-backend tensorflow -q
	$(PY) -m pytest --pyargs oneiros.testing.conformance --oneiros-backend plaidml -q
	$(PY) -m pytest --pyargs oneiros.testing.conformance --oneiros-backend pytensor -q
	$(MAKE) test-mxnet

setup-mxnet: $(MXNET_STAMP)

$(MXNET_STAMP): pyproject.toml $(addsuffix /pyproject.toml,$(MXNET_PLUGINS))
	$(PYTHON) -m venv $(MXNET_VENV)
	$(MXNET_PY) -m pip install --quiet --upgrade pip "setuptools>=77"
	$(MXNET_PY) -m pip install --quiet "numpy<1.24" mxnet==1.9.1 pytest safetensors
	$(MXNET_PY) -m pip install --quiet --no-build-isolation -e . $(addprefix -e ,$(MXNET_PLUGINS))
	touch $(MXNET_STAMP)

# The MXNet backend's tests and the conformance kit, in the MXNet environment.
test-mxnet: setup-mxnet
	$(MXNET_PY) -m pytest plugins/backend_mxnet/tests -q
	$(MXNET_PY) -m pytest --pyargs oneiros.testing.conformance --oneiros-backend mxnet -q

clean-mxnet:
	rm -rf $(MXNET_VENV)

clean:
	rm -rf $(VENV)
