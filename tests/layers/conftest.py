"""Layer tests run on the numpy reference backend and on JAX (``backend`` fixture)."""

from __future__ import annotations

import pytest

import oneiros

BACKENDS = ("numpy", "jax")


@pytest.fixture(params=BACKENDS)
def backend(request):
    """The backend under test, active for the whole test."""
    with oneiros.backend_scope(request.param) as active:
        yield active
