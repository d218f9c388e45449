"""Keras 3 itself, on JAX, is the oracle of every default in this folder."""

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
