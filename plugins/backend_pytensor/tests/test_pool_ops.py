"""2-D max pooling over tiling windows (``_pool_ops``) against numpy loops: values and gradients,
ties and NaN included, on perform and compiled, both data formats."""

from __future__ import annotations

import numpy as np
import pytest

from oneiros import ops

WINDOW = (2, 3)
SHAPE = (2, 5, 7, 3)
"""Rows and columns past the last whole window (5 = 2 * 2 + 1, 7 = 2 * 3 + 1) stay out of it."""


def _perform_mode():
    """PyTensor's graph as built, node by node with each op's numpy ``perform``."""
    from pytensor.compile.mode import Mode

    return Mode(linker="py", optimizer=None)


def _inputs(dtype: str) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(5)
    x = rng.integers(-2, 3, size=SHAPE).astype(dtype)  # small integers: many ties
    x[0, 0, 0, 0] = x[0, 1, 2, 1] = np.nan  # a window's first element and a later one
    x[1, 2, 3, 1] = np.inf
    x[0, 4, 0, 0] = x[1, 0, 6, 2] = 9  # past the last whole window: in no maximum
    upstream = rng.standard_normal((2, 2, 2, 3)).astype(dtype)
    return x, upstream


def _numpy_pool(x: np.ndarray, upstream: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Maxima (NaN if the window holds one) and the gradient of sum(maxima * upstream): the
    upstream value at every input equal to its window's maximum."""
    pooled = np.empty(upstream.shape, x.dtype)
    grad = np.zeros_like(x)
    ph, pw = WINDOW
    for n, row, column, channel in np.ndindex(*upstream.shape):
        rows, columns = slice(row * ph, (row + 1) * ph), slice(column * pw, (column + 1) * pw)
        window = x[n, rows, columns, channel]
        maximum = pooled[n, row, column, channel] = np.nan if np.isnan(window).any() else window.max()
        grad[n, rows, columns, channel] = (window == maximum) * upstream[n, row, column, channel]
    return pooled, grad


def _pool(x, data_format):
    return ops.max_pool(x, WINDOW, data_format=data_format)


@pytest.mark.parametrize("linker", ["perform", "c"])
@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
def test_values_and_gradients_match_numpy(pytensor_backend, monkeypatch, linker, data_format):
    monkeypatch.setenv("ONEIROS_PYTENSOR_LINKER", linker)
    x, upstream = _inputs("float32")
    expected_pooled, expected_grad = _numpy_pool(x, upstream)
    if data_format == "channels_first":
        x, upstream = x.transpose(0, 3, 1, 2), upstream.transpose(0, 3, 1, 2)
    step = pytensor_backend.jit(pytensor_backend.value_and_grad(
        lambda inputs, weights: ops.sum(ops.multiply(_pool(inputs, data_format), weights))))
    pool = pytensor_backend.jit(lambda inputs: _pool(inputs, data_format))
    for _ in range(3):  # the third call of a signature runs the compiled function
        _, grad = step(x, upstream)
        pooled = pool(x)
    if data_format == "channels_first":
        pooled, grad = pooled.transpose(0, 2, 3, 1), grad.transpose(0, 2, 3, 1)
    np.testing.assert_array_equal(pooled, expected_pooled)
    np.testing.assert_array_equal(grad, expected_grad)
    functions = [graph.function for graph in step.graphs.values() if graph.function is not None]
    assert len(functions) == (linker == "c")
    for function in functions:
        assert {"TiledMaxPool", "TiledMaxPoolGrad"} <= {type(node.op).__name__
                                                        for node in function.maker.fgraph.apply_nodes}


@pytest.mark.parametrize("mode", ["perform", "c"])
def test_float64_values_and_gradients_match_numpy(pytensor_backend, mode):
    import pytensor
    import pytensor.tensor as pt
    from oneiros_pytensor._linker import compile_mode
    from oneiros_pytensor._pool_ops import TiledMaxPool

    x, upstream = _inputs("float64")  # oneiros narrows float64 arrays to float32: the op itself here
    values, weights = pt.tensor(dtype="float64", shape=x.shape), pt.tensor(dtype="float64", shape=upstream.shape)
    pooled = TiledMaxPool(WINDOW)(values)
    outputs = [pooled, pytensor.grad(pt.sum(pooled * weights), values)]
    linker = compile_mode("c") if mode == "c" else _perform_mode()
    got_pooled, got_grad = pytensor.function([values, weights], outputs, mode=linker)(x, upstream)
    expected_pooled, expected_grad = _numpy_pool(x, upstream)
    np.testing.assert_array_equal(got_pooled, expected_pooled)
    np.testing.assert_array_equal(got_grad, expected_grad)


def test_the_gradient_of_the_gradient_is_the_mask(pytensor_backend):
    import pytensor
    import pytensor.tensor as pt
    from oneiros_pytensor._pool_ops import TiledMaxPool, TiledMaxPoolGrad

    x, upstream = _inputs("float64")
    weights = np.random.default_rng(6).standard_normal(x.shape)
    values, cotangent = pt.tensor(dtype="float64", shape=x.shape), pt.tensor(dtype="float64", shape=upstream.shape)
    pooled = TiledMaxPool(WINDOW)(values)
    second = pytensor.grad(pt.sum(TiledMaxPoolGrad(WINDOW)(values, pooled, cotangent) * weights), cotangent)
    got = pytensor.function([values, cotangent], second, mode=_perform_mode())(x, upstream)
    # d/d(upstream) of sum(weights * grad) adds up the weights at each window's maxima.
    _, mask_weights = _numpy_pool(x, np.ones_like(upstream))
    whole = (mask_weights * weights)[:, :2 * WINDOW[0], :2 * WINDOW[1]]
    expected = whole.reshape(2, 2, WINDOW[0], 2, WINDOW[1], 3).sum(axis=(2, 4))
    np.testing.assert_allclose(got, expected)


def test_bad_inputs_are_refused(pytensor_backend):
    import pytensor.tensor as pt
    from oneiros_pytensor._pool_ops import TiledMaxPool

    with pytest.raises(TypeError, match=r"float32 or float64 \(N, H, W, C\) tensor; received .*int32"):
        TiledMaxPool(WINDOW)(pt.tensor(dtype="int32", shape=(1, 4, 6, 1)))
    with pytest.raises(ValueError, match=r"spatial sizes of at least the window; received shape \(1, 1, 6, 1\)"):
        TiledMaxPool(WINDOW)(pt.tensor(dtype="float32", shape=(1, 1, 6, 1)))
