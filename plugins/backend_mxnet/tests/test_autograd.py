"""value_and_grad on mxnet.autograd, against float64 numpy oracles, and the places where the
backend works around MXNet's own gradients (broadcast sums, ties, scalar operands, batched
matrix products)."""

from __future__ import annotations

import numpy as np
import pytest
from oneiros import ops


def _numpy_loss(params: dict[str, np.ndarray], x: np.ndarray) -> float:
    hidden = np.tanh(x @ params["w"] + params["b"])
    return float(np.sum(hidden**2) + 0.1 * np.sum(params["w"] ** 2))


def _loss(params, x):
    hidden = ops.tanh(ops.add(ops.matmul(x, params["w"]), params["b"]))
    value = ops.add(ops.sum(ops.square(hidden)), ops.multiply(ops.sum(ops.square(params["w"])), 0.1))
    return value, {"hidden": hidden}


def _central_differences(loss, params: dict[str, np.ndarray], step: float = 1e-6) -> dict[str, np.ndarray]:
    grads = {}
    for name, leaf in params.items():
        grads[name] = np.zeros_like(leaf)
        for index in np.ndindex(leaf.shape):
            moved = [dict(params, **{name: leaf.copy()}) for _ in range(2)]
            moved[0][name][index] += step
            moved[1][name][index] -= step
            grads[name][index] = (loss(moved[0]) - loss(moved[1])) / (2 * step)
    return grads


def test_value_and_grad_of_a_pytree_matches_central_differences(mxnet_backend):
    rng = np.random.default_rng(0)
    params64 = {"w": rng.normal(size=(3, 2)) * 0.5, "b": rng.normal(size=(2,)) * 0.5}
    x64 = rng.normal(size=(4, 3))
    params = {name: ops.convert_to_tensor(value) for name, value in params64.items()}
    (value, aux), grads = mxnet_backend.value_and_grad(_loss, has_aux=True)(params, x64.astype(np.float32))
    assert abs(float(ops.to_numpy(value)) - _numpy_loss(params64, x64)) < 1e-4
    assert ops.shape(aux["hidden"]) == (4, 2)
    expected = _central_differences(lambda p: _numpy_loss(p, x64), params64)
    for name in params64:
        assert ops.dtype(grads[name]) == "float32"
        np.testing.assert_allclose(ops.to_numpy(grads[name]), expected[name], rtol=1e-3, atol=1e-4, err_msg=name)


def test_a_tensor_passed_twice_gets_two_gradients_and_the_callers_array_is_not_marked(mxnet_backend):
    w = ops.convert_to_tensor(np.array([1.0, -2.0], np.float32))
    _, (first, second) = mxnet_backend.value_and_grad(
        lambda pair: ops.sum(ops.multiply(ops.multiply(pair[0], pair[0]), pair[1])))((w, w))
    np.testing.assert_allclose(ops.to_numpy(first), 2 * np.array([1.0, -2.0]) * np.array([1.0, -2.0]))
    np.testing.assert_allclose(ops.to_numpy(second), np.array([1.0, 4.0]))
    assert w.grad is None


def test_a_value_that_does_not_depend_on_the_params_has_zero_gradients(mxnet_backend):
    w = ops.convert_to_tensor(np.array([1.0, 2.0], np.float32))
    value, grad = mxnet_backend.value_and_grad(lambda p: ops.sum(ops.square(ops.stop_gradient(p))))(w)
    assert float(ops.to_numpy(value)) == 5.0
    np.testing.assert_array_equal(ops.to_numpy(grad), [0.0, 0.0])


def test_value_and_grad_refuses_integer_params_and_non_scalar_values(mxnet_backend):
    with pytest.raises(TypeError, match="float tensors"):
        mxnet_backend.value_and_grad(lambda p: ops.sum(p))(ops.convert_to_tensor(np.arange(3)))
    with pytest.raises(TypeError, match="scalar"):
        mxnet_backend.value_and_grad(lambda p: ops.square(p))(ops.ones((3,)))


def test_bias_gradient_over_a_large_activation_sums_the_broadcast_axes(mxnet_backend):
    # 8 * 26 * 26 rows reach the matrix-product form of the broadcast (see _math._expanded).
    rng = np.random.default_rng(1)
    activation = rng.normal(size=(8, 26, 26, 4)).astype(np.float32)
    bias = rng.normal(size=(4,)).astype(np.float32)
    weights = rng.normal(size=activation.shape).astype(np.float32)
    x, w = ops.convert_to_tensor(activation), ops.convert_to_tensor(weights)

    def loss(params):
        shifted = ops.add(ops.multiply(x, params[1]), params[0])
        return ops.sum(ops.multiply(ops.square(shifted), w))

    scale = rng.normal(size=(4,)).astype(np.float32)
    _, (bias_grad, scale_grad) = mxnet_backend.value_and_grad(loss)(
        [ops.convert_to_tensor(bias), ops.convert_to_tensor(scale)])
    outer = 2 * (activation.astype(np.float64) * scale + bias) * weights
    np.testing.assert_allclose(ops.to_numpy(bias_grad), outer.sum(axis=(0, 1, 2)), rtol=1e-4)
    np.testing.assert_allclose(ops.to_numpy(scale_grad), (outer * activation).sum(axis=(0, 1, 2)), rtol=1e-4)


def test_ties_of_maximum_and_minimum_split_the_gradient(mxnet_backend):
    a = ops.convert_to_tensor(np.array([1.0, 2.0, 3.0], np.float32))
    b = ops.convert_to_tensor(np.array([1.0, 5.0, 0.0], np.float32))
    _, (da, db) = mxnet_backend.value_and_grad(lambda p: ops.sum(ops.maximum(p[0], p[1])))((a, b))
    np.testing.assert_array_equal(ops.to_numpy(da), [0.5, 0.0, 1.0])
    np.testing.assert_array_equal(ops.to_numpy(db), [0.5, 1.0, 0.0])
    _, (da, db) = mxnet_backend.value_and_grad(lambda p: ops.sum(ops.minimum(p[0], p[1])))((a, b))
    np.testing.assert_array_equal(ops.to_numpy(da), [0.5, 1.0, 0.0])


def test_where_with_a_python_scalar_branch_sends_the_gradient_to_the_chosen_elements(mxnet_backend):
    condition = ops.convert_to_tensor(np.array([True, False, True]))
    _, grad = mxnet_backend.value_and_grad(lambda p: ops.sum(ops.where(condition, p, 5.0)))(ops.ones((3,)))
    np.testing.assert_array_equal(ops.to_numpy(grad), [1.0, 0.0, 1.0])
    _, grad = mxnet_backend.value_and_grad(lambda p: ops.sum(ops.where(condition, 5.0, p)))(ops.ones((3,)))
    np.testing.assert_array_equal(ops.to_numpy(grad), [0.0, 1.0, 0.0])


def test_matmul_gradient_sums_over_broadcast_batch_axes(mxnet_backend):
    rng = np.random.default_rng(2)
    a, b = rng.normal(size=(2, 1, 3, 4)), rng.normal(size=(5, 4, 2))
    weights = rng.normal(size=(2, 5, 3, 2))
    w = ops.convert_to_tensor(weights.astype(np.float32))
    _, (da, db) = mxnet_backend.value_and_grad(lambda p: ops.sum(ops.multiply(ops.matmul(p[0], p[1]), w)))(
        (ops.convert_to_tensor(a.astype(np.float32)), ops.convert_to_tensor(b.astype(np.float32))))
    full_b = np.broadcast_to(b, (2, 5, 4, 2))
    np.testing.assert_allclose(ops.to_numpy(da), (weights @ full_b.swapaxes(-1, -2)).sum(1, keepdims=True),
                               rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(ops.to_numpy(db), (np.broadcast_to(a, (2, 5, 3, 4)).swapaxes(-1, -2) @ weights).sum(0),
                               rtol=1e-4, atol=1e-5)
