"""Fixtures of the text plugin's tests: the backend under test (numpy reference and JAX)."""

from __future__ import annotations

import pytest

import oneiros

BACKENDS = ("numpy", "jax")


@pytest.fixture(params=BACKENDS)
def backend(request):
    """The backend under test, active for the whole test."""
    with oneiros.backend_scope(request.param) as active:
        yield active
