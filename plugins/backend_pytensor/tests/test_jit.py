"""jit: one traced graph per call signature, and the compiled linkers agree with perform."""

from __future__ import annotations

import numpy as np
import pytest

from oneiros import ops


def _step(params, x):
    hidden = ops.tanh(ops.add(ops.matmul(x, params["w"]), params["b"]))
    return ops.sum(ops.square(hidden))


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    params = {"w": rng.standard_normal((4, 3)).astype(np.float32), "b": rng.standard_normal(3).astype(np.float32)}
    return params, rng.standard_normal((5, 4)).astype(np.float32)


def _numpy_loss_and_grads(params, x):
    x64, w, b = x.astype(np.float64), params["w"].astype(np.float64), params["b"].astype(np.float64)
    hidden = np.tanh(x64 @ w + b)
    upstream = 2 * hidden * (1 - hidden**2)
    return np.sum(hidden**2), {"w": x64.T @ upstream, "b": upstream.sum(axis=0)}


def test_one_graph_per_signature(pytensor_backend, data):
    params, x = data
    step = pytensor_backend.jit(pytensor_backend.value_and_grad(_step))
    for _ in range(3):
        step(params, x)
    step(params, x[:2])
    assert len(step.graphs) == 2


@pytest.mark.parametrize("linker", ["perform", "c", "numba"])
def test_jitted_gradients_match_numpy(pytensor_backend, data, linker, monkeypatch):
    monkeypatch.setenv("ONEIROS_PYTENSOR_LINKER", linker)
    params, x = data
    step = pytensor_backend.jit(pytensor_backend.value_and_grad(_step))
    expected_value, expected_grads = _numpy_loss_and_grads(params, x)
    for _ in range(3):  # the third call of a signature runs the compiled function
        value, grads = step(params, x)
        np.testing.assert_allclose(value, expected_value, rtol=1e-5)
        for name in ("w", "b"):
            np.testing.assert_allclose(grads[name], expected_grads[name], rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("linker", ["perform", "c", "numba"])
def test_keys_inside_jit_give_the_eager_numbers(pytensor_backend, linker, monkeypatch):
    monkeypatch.setenv("ONEIROS_PYTENSOR_LINKER", linker)
    draw = pytensor_backend.jit(lambda key: ops.uniform((6,), seed=key))
    key = ops.make_seed(42)
    eager = ops.uniform((6,), seed=key)
    for _ in range(3):
        np.testing.assert_array_equal(draw(key), eager)


def test_jitted_gradients_reach_weights_a_scan_body_closes_over(pytensor_backend):
    rng = np.random.default_rng(1)
    w, xs = rng.standard_normal((3, 3)).astype(np.float32) * 0.3, rng.standard_normal((4, 2, 3)).astype(np.float32)

    def loss(weights):
        def step(h, x):
            h = ops.tanh(ops.add(ops.matmul(h, weights), x))
            return h, h

        return ops.sum(ops.scan(step, ops.zeros((2, 3)), xs)[0])

    def numpy_loss(weights):
        h = np.zeros((2, 3))
        for x in xs.astype(np.float64):
            h = np.tanh(h @ weights + x)
        return h.sum()

    step = 1e-6
    expected = np.zeros((3, 3))
    for index in np.ndindex(3, 3):
        moved = np.zeros((3, 3))
        moved[index] = step
        expected[index] = (numpy_loss(w + moved) - numpy_loss(w - moved)) / (2 * step)
    _, grads = pytensor_backend.jit(pytensor_backend.value_and_grad(loss))(w)
    np.testing.assert_allclose(grads, expected, rtol=1e-3, atol=1e-4)


def test_scan_bodies_fill_with_alloc_not_a_python_loop_per_element(pytensor_backend):
    """Gradients are full of ``second(x, y)`` (``y`` broadcast like ``x``), which PyTensor's
    Elemwise runs in Python once per element; scan bodies run it as an ``Alloc``."""
    import pytensor
    import pytensor.tensor as pt
    from pytensor.scalar.basic import Second

    from oneiros_pytensor._linker import loop_body_mode

    template, value = pt.matrix(dtype="float32"), pt.vector(dtype="float32")
    fill = pytensor.function([template, value], pt.second(template, value), mode=loop_body_mode("perform"))
    assert not any(isinstance(getattr(node.op, "scalar_op", None), Second) for node in fill.maker.fgraph.apply_nodes)
    row = np.array([1, 2, 3], np.float32)
    np.testing.assert_array_equal(fill(np.zeros((2, 3), np.float32), row), np.stack([row, row]))
