"""Shared fixtures of the TensorFlow backend's tests: TensorFlow is imported once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

import oneiros

SHARED_DATA = (Path(__file__).resolve().parents[3] / "../shared/data").resolve()


@pytest.fixture(scope="session")
def tensorflow_backend():
    """The TensorFlow backend (one instance per process, as ``get_backend`` keeps it)."""
    return oneiros.backend.get_backend("tensorflow")


@pytest.fixture(scope="session")
def tf():
    """The tensorflow module, for tests that build tf.data pipelines or load exports."""
    import tensorflow

    return tensorflow


@pytest.fixture
def on_tensorflow(tensorflow_backend):
    """The TensorFlow backend, active for the test."""
    with oneiros.backend_scope(tensorflow_backend) as active:
        yield active


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The project's shared real data (MNIST t10k files, SMS Spam Collection)."""
    if not (SHARED_DATA / "t10k-images-idx3-ubyte.gz").is_file():
        raise FileNotFoundError(f"the shared MNIST files are missing from {SHARED_DATA}")
    return SHARED_DATA
