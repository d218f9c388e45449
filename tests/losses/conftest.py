"""Runs every loss test on the numpy reference backend and on JAX."""

from __future__ import annotations

import pytest

import oneiros

BACKENDS = ["numpy", "jax"]


@pytest.fixture(params=BACKENDS, autouse=True)
def backend(request):
    with oneiros.backend_scope(request.param) as active:
        yield active

