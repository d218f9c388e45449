"""``jvp`` against central finite differences on the reference, and ``custom_gradient`` whose rule
differs from the true derivative (the backend must use the rule, not differentiate the forward)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from oneiros import ops
from oneiros.backend import Backend, backend_scope
from oneiros.testing.conformance._session import require
from oneiros.testing.conformance._transform_checks import CHECKS

RNG = np.random.default_rng(21)
X = RNG.standard_normal(4).astype(np.float32)
Y = RNG.standard_normal(4).astype(np.float32)
TANGENT_X = RNG.standard_normal(4).astype(np.float32)
TANGENT_Y = RNG.standard_normal(4).astype(np.float32)


def _function(x: Any, y: Any) -> Any:
    return ops.multiply(ops.sin(x), ops.exp(ops.multiply(y, 0.5)))


def _expected_tangent() -> np.ndarray:
    x, y, tx, ty = (value.astype(np.float64) for value in (X, Y, TANGENT_X, TANGENT_Y))
    step = 1e-6
    plus = np.sin(x + step * tx) * np.exp(0.5 * (y + step * ty))
    minus = np.sin(x - step * tx) * np.exp(0.5 * (y - step * ty))
    return (plus - minus) / (2 * step)


def _jvp(backend: Backend, has_aux: bool) -> tuple[Any, ...]:
    with backend_scope(backend):
        primals = (ops.convert_to_tensor(X), ops.convert_to_tensor(Y))
        tangents = (ops.convert_to_tensor(TANGENT_X), ops.convert_to_tensor(TANGENT_Y))
        if has_aux:
            result = ops.jvp(lambda x, y: (_function(x, y), ops.sum(x)), primals, tangents, has_aux=True)
        else:
            result = ops.jvp(_function, primals, tangents)
        return tuple(ops.to_numpy(item) for item in result)


@pytest.mark.parametrize("case", CHECKS, ids=lambda case: case.id)
def test_transform(case: Any, backend_under_test: Backend) -> None:
    """``case`` (the parameter name exclusions read) is a TransformCheck."""
    require(backend_under_test, case.requires)
    if case.op == "jvp":
        has_aux = case.label == "has-aux"
        outputs = _jvp(backend_under_test, has_aux)
        x, y = X.astype(np.float64), Y.astype(np.float64)
        np.testing.assert_allclose(outputs[0], np.sin(x) * np.exp(0.5 * y), rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(outputs[1], _expected_tangent(), rtol=1e-4, atol=1e-5)
        if has_aux:
            np.testing.assert_allclose(outputs[2], X.sum(), rtol=1e-5)
        return

    def square_with_clipped_gradient(x: Any) -> Any:
        def grad(upstream: Any) -> Any:
            return ops.multiply(upstream, ops.clip(ops.multiply(x, 2.0), -1.0, 1.0))

        return ops.square(x), grad

    with backend_scope(backend_under_test):
        # As in Keras, the decorated function belongs to the backend active when it is decorated.
        clipped_square = ops.custom_gradient(square_with_clipped_gradient)
        value, gradient = backend_under_test.value_and_grad(
            lambda x: ops.sum(clipped_square(x)))(ops.convert_to_tensor(X))
        value, gradient = ops.to_numpy(value), ops.to_numpy(gradient)
    np.testing.assert_allclose(value, np.sum(X.astype(np.float64) ** 2), rtol=1e-5)
    np.testing.assert_allclose(gradient, np.clip(2 * X, -1, 1), rtol=1e-6)
