"""The PyTensor backend's tests: collected only where pytensor is installed."""

from __future__ import annotations

import importlib.util

import pytest

collect_ignore_glob = [] if importlib.util.find_spec("pytensor") is not None else ["test_*.py"]


@pytest.fixture
def pytensor_backend():
    """The PyTensor backend, active for the test."""
    import oneiros

    with oneiros.backend_scope("pytensor") as backend:
        yield backend
