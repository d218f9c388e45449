"""Keras 3 (JAX backend) as the oracle for behaviour the Keras idiom relies on."""

from __future__ import annotations

import importlib
import os

import pytest

os.environ.setdefault("KERAS_BACKEND", "jax")


@pytest.fixture(scope="session")
def keras():
    module = importlib.import_module("keras")
    assert module.backend.backend() == "jax", "these tests compare with Keras on its JAX backend"
    return module


@pytest.fixture(params=("numpy", "jax"))
def backend(request):
    """The backend under test, active for the whole test."""
    import oneiros

    with oneiros.backend_scope(request.param) as active:
        yield active
