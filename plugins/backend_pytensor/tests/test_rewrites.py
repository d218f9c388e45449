"""This backend's own rewrites of compiled graphs keep every value the perform linker computes
from the graph as traced (rewrites run on the C linker only)."""

from __future__ import annotations

import numpy as np
import pytest

from oneiros import ops

INF, NAN = np.float32(np.inf), np.float32(np.nan)
KINKS = np.array([[-2.0, -0.0, 0.0, 1e-30, 3.0, NAN, INF, -INF]], np.float32)
"""Relu's kink (both zeros), a tiny positive, NaN and the infinities."""
UPSTREAM = np.arange(1, KINKS.size + 1, dtype=np.float32).reshape(KINKS.shape)


def _gradients(backend, monkeypatch, linker, fn, params):
    monkeypatch.setenv("ONEIROS_PYTENSOR_LINKER", linker)
    step = backend.jit(backend.value_and_grad(fn))
    for _ in range(3):  # the third call of a signature runs the compiled function
        _, grads = step(params)
    return grads, [graph.function for graph in step.graphs.values() if graph.function is not None]


def _scalar_ops(functions):
    """The names of the scalar ops the functions' elementwise nodes run, fused ones included."""
    names = set()
    pending = [node.op.scalar_op for function in functions for node in function.maker.fgraph.apply_nodes
               if hasattr(node.op, "scalar_op")]
    while pending:
        scalar_op = pending.pop()
        names.add(type(scalar_op).__name__)
        if hasattr(scalar_op, "fgraph"):  # a Composite: the fused loop's own scalar graph
            pending.extend(node.op for node in scalar_op.fgraph.apply_nodes)
    return names


@pytest.mark.parametrize("linker", ["perform", "c"])
def test_relu_gradient_at_its_kink_and_at_nan(pytensor_backend, monkeypatch, linker):
    grads, functions = _gradients(pytensor_backend, monkeypatch, linker,
                                  lambda x: ops.sum(ops.multiply(ops.relu(x), UPSTREAM)), KINKS)
    # maximum(x, 0)'s gradient passes where the maximum is x: x >= 0, signed zeros included, not NaN.
    np.testing.assert_array_equal(grads, np.where(KINKS >= 0, UPSTREAM, 0))
    if linker == "c":
        assert {"GE", "Composite"} <= _scalar_ops(functions) and "EQ" not in _scalar_ops(functions)


@pytest.mark.parametrize("linker", ["perform", "c"])
def test_maximum_gradients_at_ties_and_nan(pytensor_backend, monkeypatch, linker):
    import pytensor.tensor as pt

    first = np.array([1.0, 2.0, -0.0, NAN, 5.0], np.float32)
    second = np.array([1.0, 3.0, 0.0, 1.0, NAN], np.float32)
    weights = np.array([1.0, 2.0, 3.0, 4.0, 5.0], np.float32)
    grads, functions = _gradients(
        pytensor_backend, monkeypatch, linker,
        lambda params: pt.sum(pt.maximum(params["a"], params["b"]) * weights),  # PyTensor's own maximum
        {"a": first, "b": second})
    # PyTensor's rule: the first input takes the gradient where the maximum equals it (a tie
    # included), the second everywhere else (NaN included).
    np.testing.assert_array_equal(grads["a"], np.where(first >= second, weights, 0))
    np.testing.assert_array_equal(grads["b"], np.where(first >= second, 0, weights))
    if linker == "c":
        assert "GE" in _scalar_ops(functions) and "EQ" not in _scalar_ops(functions)
