"""Eager control-flow ops on jax run cached compiled programs: the same body and shapes compile
once, and the values a body reads (weights that changed since) are never baked in."""

import numpy as np
import pytest
from oneiros.backend import get_backend

from oneiros_jax import _control


@pytest.fixture(scope="module")
def ops():
    return get_backend("jax").ops


def _numpy_scan(weights, init, xs):
    carry, ys = init, []
    for x in xs:
        carry = np.tanh(carry @ weights + x)
        ys.append(carry.sum())
    return carry, np.array(ys)


def test_an_eager_scan_compiles_once_per_signature_and_reads_current_weights(ops):
    rng = np.random.default_rng(0)
    weights = ops.convert_to_tensor(rng.normal(size=(3, 3)).astype("float32") * 0.5)
    init, xs = np.zeros((2, 3), "float32"), rng.normal(size=(6, 2, 3)).astype("float32")

    def step_reading(current_weights):
        """A new step function per call, closing over the weights, as a recurrent layer's call makes."""
        def step(carry, x):
            carry = ops.tanh(ops.add(ops.matmul(carry, current_weights), x))
            return carry, ops.sum(carry)

        return step

    _control._programs.clear()
    for scale in (1.0, 2.0, -1.0):
        weights = ops.multiply(weights, scale)
        carry, ys = ops.scan(step_reading(weights), init, xs)
        expected_carry, expected_ys = _numpy_scan(np.asarray(weights), init, xs)
        np.testing.assert_allclose(carry, expected_carry, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(ys, expected_ys, rtol=1e-5, atol=1e-5)
    assert len(_control._programs) == 1
    ops.scan(step_reading(weights), init, xs[:4])
    assert len(_control._programs) == 2  # another length is another program


def test_eager_cond_fori_and_while_loops_are_cached_and_exact(ops):
    _control._programs.clear()
    for value in (1.0, 5.0):
        operand = np.full(2, value, "float32")
        np.testing.assert_array_equal(ops.cond(value > 2, lambda a: a * 2, lambda a: a - 1, operand),
                                      operand * 2 if value > 2 else operand - 1)
        assert int(ops.fori_loop(0, 4, lambda i, total: total + i, 0)) == 6
        assert int(ops.while_loop(lambda n: n < 10, lambda n: n + 3, np.int32(value))) == (10 if value == 1 else 11)
    assert len(_control._programs) == 3
