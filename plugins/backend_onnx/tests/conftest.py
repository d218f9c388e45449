"""Shared helpers of the onnx plugin's tests: the jax backend is the oracle for ONNX Runtime."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import oneiros as oi
from oneiros.models._inference import Predictor

BATCH_SIZES = (1, 3, 8)


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, (list, tuple)) else [value]


def assert_close(got: Any, expected: Any, rtol: float = 1e-5, label: str = "") -> None:
    """Equal within ``rtol`` of each output's scale (its largest magnitude, at least 1e-3)."""
    for index, (actual, wanted) in enumerate(zip(_as_list(got), _as_list(expected))):
        wanted = np.asarray(wanted, np.float64)
        scale = max(float(np.max(np.abs(wanted))) if wanted.size else 0.0, 1e-3)
        np.testing.assert_allclose(np.asarray(actual, np.float64), wanted, rtol=rtol, atol=rtol * scale,
                                   err_msg=f"{label} output {index}")


def randomize_weights(model: Any, seed: int = 0) -> None:
    """Non-trivial weights everywhere (biases, norms, moving statistics), variances positive."""
    rng = np.random.default_rng(seed)
    for variable in model.weights:
        if "int" in variable.dtype or "seed" in variable.path:
            continue
        shape = variable.shape
        if "variance" in variable.name:
            value = rng.uniform(0.5, 1.5, shape)
        else:
            value = rng.normal(0.0, 0.5, shape)
        variable.assign(value.astype(variable.dtype))


def onnx_versus_jax(model: Any, inputs: Any, rtol: float = 1e-5, label: str = "") -> Any:
    """Predicts ``inputs`` (8 rows) on jax, then on onnx with batches of 1, 3 and 8 through one
    Predictor; asserts equal outputs and a single ONNX Runtime session for the three sizes."""
    with oi.backend_scope("jax"):
        expected = model.predict(inputs, batch_size=8, verbose=0)
    with oi.backend_scope("onnx"):
        for size in BATCH_SIZES:
            batch = [x[:size] for x in inputs] if isinstance(inputs, list) else inputs[:size]
            got = model.predict(batch, batch_size=size, verbose=0)
            wanted = [e[:size] for e in expected] if isinstance(expected, (list, tuple)) else expected[:size]
            assert_close(got, wanted, rtol, f"{label} batch {size}")
        predictor = Predictor.for_model(model)
    assert predictor.function.sessions_built == 1, (
        f"{label}: {predictor.function.sessions_built} ONNX Runtime sessions for batch sizes {BATCH_SIZES}; "
        "expected one (the batch axis is dynamic)")
    return expected


@pytest.fixture
def compare() -> Callable[..., Any]:
    return onnx_versus_jax


@pytest.fixture
def randomized() -> Callable[..., None]:
    return randomize_weights


@pytest.fixture
def close() -> Callable[..., None]:
    return assert_close


def random_inputs(shape: tuple, dtype: str, rng: np.random.Generator, high: int = 5) -> np.ndarray:
    if "int" in dtype:
        return rng.integers(0, high, size=shape).astype(dtype)
    return rng.normal(size=shape).astype(dtype)


@pytest.fixture
def make_inputs() -> Callable[..., np.ndarray]:
    return random_inputs
