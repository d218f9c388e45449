"""Vision plugin tests run on the numpy reference backend and on JAX (``backend`` fixture)."""

from __future__ import annotations

from pathlib import Path

import pytest

import oneiros

BACKENDS = ("numpy", "jax")
SHARED_DATA = (Path(__file__).resolve().parents[3] / "../shared/data").resolve()


@pytest.fixture(params=BACKENDS)
def backend(request):
    """The backend under test, active for the whole test."""
    with oneiros.backend_scope(request.param) as active:
        yield active


@pytest.fixture
def jax_backend():
    with oneiros.backend_scope("jax") as active:
        yield active


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The project's shared real data (the MNIST t10k files), beside the repository root."""
    if not (SHARED_DATA / "t10k-images-idx3-ubyte.gz").is_file():
        raise FileNotFoundError(f"the shared MNIST files are missing from {SHARED_DATA}")
    return SHARED_DATA
