"""The MXNet backend's tests run in the MXNet environment (.venv-mxnet, numpy < 1.24) only.

In any other environment (the main one has numpy 2 and no MXNet) nothing here is collected:
``make test`` runs these files with .venv-mxnet/bin/pytest.
"""

from __future__ import annotations

import importlib.util
import warnings

import pytest

collect_ignore_glob = [] if importlib.util.find_spec("mxnet") is not None else ["test_*.py"]

if not collect_ignore_glob:
    with warnings.catch_warnings():
        # MXNet 1.9 warns about numpy and distutils APIs it uses on import; not these tests' concern.
        warnings.simplefilter("ignore", DeprecationWarning)
        import mxnet  # noqa: F401


@pytest.fixture
def mxnet_backend():
    """The MXNet backend, active for the test."""
    import oneiros

    with oneiros.backend_scope("mxnet") as backend:
        yield backend
