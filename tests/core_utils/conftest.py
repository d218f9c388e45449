"""Every test here runs on the numpy reference and on JAX."""

import os

import pytest

import oneiros

# Keras serves as an extra oracle for semantics; it must run on JAX (TensorFlow is absent).
os.environ.setdefault("KERAS_BACKEND", "jax")

BACKENDS = ("numpy", "jax")


@pytest.fixture(params=BACKENDS)
def backend(request):
    """The backend under test, active for the whole test."""
    with oneiros.backend_scope(request.param) as active:
        yield active
