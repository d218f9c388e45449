"""Control flow as ONNX Loop and If, whose bodies are subgraphs traced once.

``scan`` and ``fori_loop`` become a Loop (the trip count may be a size known only at run time);
``cond`` with a traced predicate becomes an If, and with a known one simply calls the branch.
Bodies refer to values of the enclosing graphs (weights, inputs) by name. Carries must keep
their structure, shapes and dtypes, as on every backend.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from oneiros_onnx._dims import DynamicDim
from oneiros_onnx._dispatch import lowered
from oneiros_onnx._dtypes import INTS
from oneiros_onnx._graph import Graph, Symbol
from oneiros_onnx._trace import INT64_MIN, constant, current_graph, emit, emit_many, int64s, lift, tracing
from oneiros_onnx._tree import flatten, structure_key
from oneiros_onnx._values import as_dtype, cast, reshape, tensor

__all__ = ["cond", "fori_loop", "scan"]


def _is_leaf(value: Any) -> bool:
    return value is not None and not isinstance(value, (list, tuple, dict))


def _tensors(tree: Any) -> tuple[list[Symbol], Callable[[list[Any]], Any]]:
    leaves, rebuild = flatten(tree, _is_leaf)
    return [tensor(leaf) for leaf in leaves], rebuild


def _describe(values: Sequence[Symbol]) -> list[str]:
    return [f"{value.dtype}{list(value.shape)}" for value in values]


def _same_signature(tree: Any, values: list[Symbol], other_tree: Any, other_values: list[Symbol]) -> bool:
    """Same containers, and leaves of the same dtypes and shapes."""
    def containers(node: Any) -> Any:
        return structure_key(node, _is_leaf, lambda _: None)

    return containers(tree) == containers(other_tree) and _describe(values) == _describe(other_values)


def _check_carry(new_tree: Any, new: list[Symbol], old_tree: Any, old: list[Symbol], what: str) -> None:
    if not _same_signature(new_tree, new, old_tree, old):
        raise TypeError(f"{what} must return a carry with the structure, shapes and dtypes of the initial one; "
                        f"received {_describe(new)}, expected {_describe(old)}.")


def _size_scalar(size: int) -> Symbol:
    return lift(size) if isinstance(size, DynamicDim) else constant(np.int64(size), "int64")


def _loop(trip_count: Symbol, carries: list[Symbol], body: Callable[[Symbol, list[Symbol]], tuple[list, list]],
          scan_length: int | None) -> tuple[list[Symbol], list[Symbol]]:
    """A Loop over ``trip_count`` iterations: ``body(iteration, carries) -> (new carries, ys)``."""
    graph = Graph(parent=current_graph())
    with tracing(graph):
        iteration = graph.add_input("int64", ())
        condition = graph.add_input("bool", ())
        carried = [graph.add_input(value.dtype, value.shape) for value in carries]
        new_carries, ys = body(iteration, carried)
        proto = graph.proto([condition, *new_carries, *ys], "loop_body")
    specs = [(value.shape, value.dtype) for value in carries]
    specs += [((scan_length, *y.shape), y.dtype) for y in ys]
    outputs = emit_many("Loop", [trip_count, None, *carries], specs, body=proto)
    return outputs[:len(carries)], outputs[len(carries):]


def _scan_length(xs: list[Symbol], length: Any) -> int:
    lengths = []
    for leaf in xs:
        if leaf.ndim == 0:
            raise ValueError("scan's xs leaves need a leading axis to scan over; received a scalar.")
        lengths.append(leaf.shape[0])
    if length is not None:
        lengths.append(int(length))
    if not lengths:
        raise ValueError("scan needs xs or a length; received neither.")
    if any(size != lengths[0] for size in lengths):
        raise ValueError(f"scan's xs leaves (and length, if given) must agree on the leading axis; received "
                         f"lengths {lengths}.")
    return lengths[0]


def _step_output(output: Any) -> tuple[Any, Any]:
    if not isinstance(output, (tuple, list)) or len(output) != 2:
        raise TypeError(f"scan's f must return a pair (carry, y); received {type(output).__name__}.")
    return output[0], output[1]


def _flip_leading(value: Symbol) -> Symbol:
    return emit("Slice", [value, int64s([-1]), int64s([INT64_MIN]), int64s([0]), int64s([-1])], value.shape,
                value.dtype)


def _empty_scan(f: Callable, carry_tree: Any, x_rebuild: Any, xs: list[Symbol]) -> Any:
    """A scan of length 0: the carry unchanged and empty ys shaped by one traced call of ``f``."""
    with tracing(Graph(parent=current_graph())) as graph:
        placeholders = [graph.add_input(x.dtype, x.shape[1:]) for x in xs]
        _, y_tree = _step_output(f(carry_tree, x_rebuild(placeholders)))
        ys, y_rebuild = _tensors(y_tree)
        empty = [np.zeros((0, *(int(dim) for dim in y.shape)), y.dtype) for y in ys]
    return carry_tree, y_rebuild([constant(array, array.dtype.name) for array in empty])


@lowered
def scan(f: Callable, init: Any, xs: Any = None, length: Any = None, reverse: bool = False, unroll: int = 1) -> Any:
    carries, carry_rebuild = _tensors(init)
    x_values, x_rebuild = _tensors(xs)
    steps = _scan_length(x_values, length)
    if steps == 0 and not isinstance(steps, DynamicDim):
        return _empty_scan(f, carry_rebuild(carries), x_rebuild, x_values)
    trip_count = _size_scalar(steps)
    last = emit("Sub", [trip_count, constant(np.int64(1), "int64")], (), "int64") if reverse else None
    y_rebuild: list[Any] = []

    def body(iteration: Symbol, carried: list[Symbol]) -> tuple[list, list]:
        index = emit("Sub", [last, iteration], (), "int64") if reverse else iteration
        x_t = [emit("Gather", [x, index], x.shape[1:], x.dtype, axis=0) for x in x_values]
        carry_tree = carry_rebuild(carried)
        new_tree, y_tree = _step_output(f(carry_tree, x_rebuild(x_t)))
        new_carries, _ = _tensors(new_tree)
        _check_carry(new_tree, new_carries, carry_tree, carried, "scan's f")
        ys, rebuild = _tensors(y_tree)
        y_rebuild.append(rebuild)
        return new_carries, ys

    final, stacked = _loop(trip_count, carries, body, steps)
    if reverse:
        stacked = [_flip_leading(y) for y in stacked]
    return carry_rebuild(final), y_rebuild[0](stacked)


def _bound(value: Any) -> Any:
    """A loop bound: a Python int, or a traced int64 scalar."""
    if isinstance(value, (Symbol, DynamicDim)):
        return cast(reshape(cast(tensor(value), "int64"), ()), "int64")
    return int(np.asarray(value))


@lowered
def fori_loop(lower: Any, upper: Any, body_fun: Callable, init_val: Any) -> Any:
    carries, rebuild = _tensors(init_val)
    start, stop = _bound(lower), _bound(upper)
    if isinstance(start, int) and isinstance(stop, int):
        if stop <= start:
            return rebuild(carries)
        trip_count = constant(np.int64(stop - start), "int64")
    else:
        span = emit("Sub", [as_dtype(stop, "int64"), as_dtype(start, "int64")], (), "int64")
        trip_count = emit("Max", [span, constant(np.int64(0), "int64")], (), "int64")

    def body(iteration: Symbol, carried: list[Symbol]) -> tuple[list, list]:
        index = cast(emit("Add", [iteration, as_dtype(start, "int64")], (), "int64"), "int32")
        carry_tree = rebuild(carried)
        new_tree = body_fun(index, carry_tree)
        new_carries, _ = _tensors(new_tree)
        _check_carry(new_tree, new_carries, carry_tree, carried, "fori_loop's body_fun")
        return new_carries, []

    final, _ = _loop(trip_count, carries, body, None)
    return rebuild(final)


def _branch(fn: Callable, operands: tuple, name: str) -> tuple[Any, list[Symbol], Any, Any]:
    graph = Graph(parent=current_graph())
    with tracing(graph):
        tree = fn(*operands)
        values, rebuild = _tensors(tree)
        proto = graph.proto(values, name)
    return tree, values, rebuild, proto


def cond(pred: Any, true_fn: Callable, false_fn: Any, *operands: Any) -> Any:
    if not isinstance(pred, Symbol):
        flag = np.asarray(pred)
        if flag.shape != () or flag.dtype.kind not in "biu":
            raise TypeError(f"cond needs a scalar bool (or int) predicate; received {flag.dtype.name}"
                            f"{list(flag.shape)}.")
        return (true_fn if bool(flag) else false_fn)(*operands)
    if pred.shape != () or pred.dtype not in INTS | {"bool"}:
        raise TypeError(f"cond needs a scalar bool (or int) predicate; received {pred.dtype}{list(pred.shape)}.")
    true_tree, true_values, rebuild, then_branch = _branch(true_fn, operands, "then_branch")
    false_tree, false_values, _, else_branch = _branch(false_fn, operands, "else_branch")
    if not _same_signature(true_tree, true_values, false_tree, false_values):
        raise TypeError(f"cond's branches must return the same structure, shapes and dtypes; received "
                        f"{_describe(true_values)} and {_describe(false_values)}.")
    outputs = emit_many("If", [cast(pred, "bool")], [(value.shape, value.dtype) for value in true_values],
                        then_branch=then_branch, else_branch=else_branch)
    return rebuild(outputs)
