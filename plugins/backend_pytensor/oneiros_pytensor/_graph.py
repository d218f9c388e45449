"""Eager values and traced graphs.

Every op builds a PyTensor graph. Eager tensors are numpy arrays: when no argument of an op is
a traced (non-constant) PyTensor variable, the op's graph is evaluated at once by calling each
node's ``perform`` (numpy code, no rewriting, no compilation) and the op returns numpy arrays.
Inside ``Backend.jit`` and ``value_and_grad`` the arguments are traced variables, so the same
op code builds the graph that gets differentiated and compiled.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
from pytensor.compile.builders import OpFromGraph
from pytensor.graph.basic import Constant, Variable
from pytensor.graph.traversal import io_toposort
from pytensor.scalar import basic as scalar
from pytensor.scalar.math import Softplus
from pytensor.tensor.elemwise import Elemwise

# Scalar ops without a numpy ufunc: Elemwise.perform would call them once per element.
_VECTORIZED: dict[type, Callable[..., np.ndarray]] = {
    scalar.Second: lambda x, y: np.broadcast_to(y, np.broadcast_shapes(np.shape(x), np.shape(y))),
    scalar.Identity: lambda x: x,
    scalar.Cast: lambda x: x,
    scalar.Clip: np.clip,
    Softplus: lambda x: np.logaddexp(0, x),
}


def _perform(node: Any, inputs: list[Any]) -> list[Any]:
    vectorized = _VECTORIZED.get(type(node.op.scalar_op)) if isinstance(node.op, Elemwise) else None
    if vectorized is not None:
        with np.errstate(all="ignore"):
            return [np.array(vectorized(*inputs), dtype=node.outputs[0].dtype)]
    storage: list[list[Any]] = [[None] for _ in node.outputs]
    node.op.perform(node, inputs, storage)
    # Some perform methods return numpy's own dtype (np.cumsum of int32 is int64): the graph's wins.
    return [value if getattr(value, "dtype", None) == output.dtype or not hasattr(output, "dtype")
            else np.asarray(value, dtype=output.dtype) for (value,), output in zip(storage, node.outputs)]


def is_traced(value: Any) -> bool:
    return isinstance(value, Variable) and not isinstance(value, Constant)


def any_traced(tree: Any) -> bool:
    if isinstance(tree, (list, tuple)):
        return any(any_traced(item) for item in tree)
    if isinstance(tree, dict):
        return any(any_traced(item) for item in tree.values())
    return is_traced(tree)


def _leaves(tree: Any, found: list[Variable]) -> None:
    if isinstance(tree, (list, tuple)):
        for item in tree:
            _leaves(item, found)
    elif isinstance(tree, dict):
        for item in tree.values():
            _leaves(item, found)
    elif isinstance(tree, Variable):
        found.append(tree)


def _replace(tree: Any, values: Mapping[int, np.ndarray]) -> Any:
    if isinstance(tree, (list, tuple)):
        replaced = [_replace(item, values) for item in tree]
        return type(tree)(*replaced) if hasattr(tree, "_fields") else type(tree)(replaced)
    if isinstance(tree, dict):
        return {key: _replace(item, values) for key, item in tree.items()}
    if isinstance(tree, Variable):
        return values[id(tree)]
    return tree


def evaluate(outputs: list[Variable], givens: Mapping[Variable, Any] | None = None,
             nodes: list[Any] | None = None) -> dict[int, np.ndarray]:
    """The values of ``outputs`` (keyed by ``id``) computed node by node with each op's numpy
    ``perform``; ``givens`` holds values for the graph's non-constant inputs, ``nodes`` the
    graph's nodes in topological order when the caller keeps them (else they are sorted here).

    Keys are ids: PyTensor constants compare by value, so they cannot key a dict.
    """
    values: dict[int, Any] = {id(variable): value for variable, value in (givens or {}).items()}
    for node in io_toposort([], outputs) if nodes is None else nodes:
        inputs = [values[id(variable)] if id(variable) in values else variable.data for variable in node.inputs]
        if isinstance(node.op, OpFromGraph):
            # Its own perform would compile the inner graph; walking it costs nothing to build.
            inner = evaluate(node.op.inner_outputs, dict(zip(node.op.inner_inputs, inputs)))
            results = [inner[id(variable)] for variable in node.op.inner_outputs]
        else:
            results = _perform(node, inputs)
        values.update(zip(map(id, node.outputs), results))
    return {id(variable): np.asarray(values[id(variable)] if id(variable) in values else variable.data)
            for variable in outputs}


def evaluate_tree(tree: Any, givens: Mapping[Variable, Any] | None = None) -> Any:
    """``tree`` with every PyTensor variable replaced by its numpy value."""
    variables: list[Variable] = []
    _leaves(tree, variables)
    if not variables:
        return tree
    return _replace(tree, evaluate(variables, givens))


def graph_op(fn: Callable) -> Callable:
    """Makes an op written with PyTensor graph calls eager unless an argument is traced."""

    @functools.wraps(fn)
    def run(*args: Any, **kwargs: Any) -> Any:
        result = fn(*args, **kwargs)
        if any_traced(args) or any_traced(kwargs):
            return result
        return evaluate_tree(result)

    return run
