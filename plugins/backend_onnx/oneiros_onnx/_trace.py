"""The graph ops emit into while tracing, and turning arguments into values of that graph."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np

from oneiros import dtypes
from oneiros.backends.numpy_reference import ops as host
from oneiros_onnx._dims import DynamicDim
from oneiros_onnx._dtypes import numpy_dtype
from oneiros_onnx._graph import Graph, Symbol
from oneiros_onnx.errors import LoweringError

INT64_MIN = np.iinfo(np.int64).min


class _Stack(threading.local):
    def __init__(self) -> None:
        self.graphs: list[Graph] = []


_stack = _Stack()


@contextlib.contextmanager
def tracing(graph: Graph) -> Iterator[Graph]:
    """Ops emit into ``graph`` during the block."""
    _stack.graphs.append(graph)
    try:
        yield graph
    finally:
        _stack.graphs.pop()


def current_graph() -> Graph:
    if not _stack.graphs:
        raise LoweringError("an op", "a traced tensor was used after its trace ended")
    return _stack.graphs[-1]


def is_symbolic(value: Any) -> bool:
    """True when ``value`` (any nesting of lists, tuples and dicts) holds a traced value."""
    if isinstance(value, (Symbol, DynamicDim)):
        return True
    if isinstance(value, (list, tuple)):
        return any(is_symbolic(item) for item in value)
    if isinstance(value, dict):
        return any(is_symbolic(item) for item in value.values())
    return False


def is_python_scalar(value: Any) -> bool:
    return isinstance(value, (bool, int, float)) and not isinstance(value, (np.generic, DynamicDim))


def concrete(value: Any) -> np.ndarray:
    """A host array of a supported dtype (64-bit values narrowed, as every backend does)."""
    return host.convert_to_tensor(value)


def lift(value: Any, dtype: str | None = None) -> Symbol:
    """``value`` as a value of the current graph; constants become initializers of ``dtype``."""
    graph = current_graph()
    if isinstance(value, Symbol):
        if not graph.encloses(value.graph):
            raise LoweringError("an op", f"the traced tensor {value!r} belongs to another trace (it escaped "
                                "the function that was traced)")
        return value
    if isinstance(value, DynamicDim):
        return emit("Squeeze", [size_vector(value), int64s([0])], (), "int64")
    if is_python_scalar(value):
        if dtype is None:
            raise TypeError(f"A Python scalar {value!r} needs a dtype here.")
        if dtype in dtypes.SUPPORTED:  # the reference's conversion: out-of-range ints raise
            return graph.initializer(host.convert_to_tensor(value, dtype))
        return graph.initializer(np.asarray(value, numpy_dtype(dtype)))
    return graph.initializer(concrete(value))


def constant(array: Any, dtype: str) -> Symbol:
    """A constant of ``dtype`` (internal dtypes such as int64 allowed) in the current graph."""
    return current_graph().initializer(np.asarray(array, dtype=numpy_dtype(dtype)))


def int64s(values: Sequence[int]) -> Symbol:
    return constant(np.asarray(list(values), np.int64).reshape(-1), "int64")


def emit(op_type: str, inputs: Sequence[Symbol | None], shape: Sequence[int], dtype: str,
         **attributes: Any) -> Symbol:
    """Appends one node with one output of ``shape`` and ``dtype``; None inputs are omitted ones."""
    graph = current_graph()
    names = [("" if value is None else lift(value).name) for value in inputs]
    (output,) = graph.add_node(op_type, names, 1, **attributes)
    return Symbol(graph, output, tuple(shape), dtype)


def emit_many(op_type: str, inputs: Sequence[Symbol | None], outputs: Sequence[tuple[Sequence[int], str]],
              **attributes: Any) -> list[Symbol]:
    graph = current_graph()
    names = [("" if value is None else lift(value).name) for value in inputs]
    produced = graph.add_node(op_type, names, len(outputs), **attributes)
    return [Symbol(graph, name, tuple(shape), dtype) for name, (shape, dtype) in zip(produced, outputs)]


def size_vector(dim: DynamicDim) -> Symbol:
    """The size ``dim`` as an int64 vector of one element (for shape vectors), computed in the
    current graph once."""
    graph = current_graph()
    cached = graph.materialized.get(id(dim))
    if cached is not None:
        return cached[1]
    source = dim.source
    if isinstance(source[0], Symbol):
        symbol, axis = source
        value = emit("Shape", [symbol], (1,), "int64", start=axis, end=axis + 1)
    else:
        onnx_op, left, right = source
        value = emit(onnx_op, [_size_vector(left), _size_vector(right)], (1,), "int64")
    graph.materialized[id(dim)] = (dim, value)
    return value


def _size_vector(size: int) -> Symbol:
    return size_vector(size) if isinstance(size, DynamicDim) else int64s([size])


def shape_vector(shape: Sequence[int]) -> Symbol:
    """``shape`` as an int64 vector, reading dynamic sizes from the graph."""
    if not any(isinstance(dim, DynamicDim) for dim in shape):
        return int64s([int(dim) for dim in shape])
    parts = [_size_vector(dim) for dim in shape]
    return emit("Concat", parts, (len(parts),), "int64", axis=0)
