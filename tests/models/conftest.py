import pytest

import oneiros as oi


@pytest.fixture(autouse=True)
def jax_backend():
    with oi.backend_scope("jax") as backend:
        yield backend
