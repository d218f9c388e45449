"""What every lowering needs: shapes and dtypes of arguments, casts, broadcasting, axes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from oneiros import dtypes
from oneiros_onnx._dims import DynamicDim
from oneiros_onnx._dtypes import SELECTABLE, element_type, kernel_dtype, numpy_dtype
from oneiros_onnx._graph import Symbol
from oneiros_onnx._trace import concrete, current_graph, emit, int64s, is_python_scalar, lift, shape_vector
from oneiros_onnx.errors import LoweringError


def dtype_name(dtype: Any) -> str:
    """The name of a dtype the onnx backend has tensors of (it has no bfloat16)."""
    name = dtypes.name_of(dtype)
    element_type(name)
    return name


def shape_of(value: Any) -> tuple[int, ...]:
    if isinstance(value, Symbol):
        return value.shape
    if is_python_scalar(value) or isinstance(value, DynamicDim):
        return ()
    return tuple(concrete(value).shape)


def dtype_of(value: Any) -> str:
    """The dtype name of a tensor argument (a run-time size counts as an int32 scalar)."""
    if isinstance(value, Symbol):
        return value.dtype
    if isinstance(value, DynamicDim):
        return "int32"
    return concrete(value).dtype.name


def operand(value: Any) -> Any:
    """Python scalars stay (weakly typed); dims become int32 tensors; arrays stay host arrays."""
    if isinstance(value, Symbol) or is_python_scalar(value):
        return value
    if isinstance(value, DynamicDim):
        return cast(lift(value), "int32")
    return concrete(value)


def tensor(x: Any) -> Symbol:
    """A tensor argument as a graph value (constants become initializers)."""
    return x if isinstance(x, Symbol) else as_dtype(x, dtype_of(x))


def size_tuple(values: Any, what: str) -> tuple[int, ...]:
    """An int or a sequence of ints (dynamic sizes kept), as a tuple."""
    if isinstance(values, Symbol):
        raise LoweringError(what, "it needs sizes known when the graph is built (a tuple of ints), not a tensor")
    if isinstance(values, (int, np.integer)):
        items: tuple = (values,)
    elif isinstance(values, (list, tuple)):
        items = tuple(values)
    else:
        items = tuple(np.asarray(values).reshape(-1).tolist())
    for item in items:
        if isinstance(item, bool) or not isinstance(item, (int, np.integer)):
            raise TypeError(f"{what} must be an int or a sequence of ints; received {values!r}.")
    return tuple(item if isinstance(item, DynamicDim) else int(item) for item in items)


def result_type(*values: Any) -> str:
    return dtypes.result_type(*values)


def float_result(name: str) -> str:
    return name if name in dtypes.FLOATS else dtypes.DEFAULT_FLOAT


def cast(value: Symbol, dtype: str) -> Symbol:
    if value.dtype == dtype:
        return value
    return emit("Cast", [value], value.shape, dtype, to=element_type(dtype))


def as_dtype(value: Any, dtype: str) -> Symbol:
    """``value`` as a graph value of ``dtype``: constants convert at trace time, tensors by a Cast."""
    if isinstance(value, Symbol):
        return cast(value, dtype)
    if isinstance(value, DynamicDim):
        return cast(lift(value), dtype)
    if is_python_scalar(value):
        return current_graph().initializer(scalar_array(value, dtype))
    return current_graph().initializer(concrete(value).astype(numpy_dtype(dtype)))


def scalar_array(value: Any, dtype: str) -> np.ndarray:
    """A weak Python scalar in ``dtype``; ints that the dtype cannot hold raise OverflowError."""
    return np.asarray(value, dtype=numpy_dtype(dtype))


def in_kernel(value: Any, work: str, accepted: frozenset[str]) -> Symbol:
    """``value`` converted to ``work`` and then to the dtype a kernel accepting ``accepted`` uses."""
    kernel = kernel_dtype(work, accepted)
    if is_python_scalar(value):
        scalar_array(value, work)  # an int the dtype cannot hold raises, as in the reference
        return current_graph().initializer(scalar_array(value, kernel))
    if not isinstance(value, (Symbol, DynamicDim)):
        return current_graph().initializer(concrete(value).astype(numpy_dtype(work)).astype(numpy_dtype(kernel)))
    symbol = as_dtype(value, work)
    return cast(symbol, kernel)


def broadcast_shapes(*shapes: Sequence[int]) -> tuple[int, ...]:
    """numpy broadcasting of static shapes; a dynamic size matches anything but a different one."""
    ndim = max((len(shape) for shape in shapes), default=0)
    result = []
    for axis in range(ndim):
        dims = [shape[axis - ndim + len(shape)] for shape in shapes if axis - ndim + len(shape) >= 0]
        static = {int(dim) for dim in dims if not isinstance(dim, DynamicDim) and dim != 1}
        dynamic = [dim for dim in dims if isinstance(dim, DynamicDim)]
        if len(static) > 1:
            raise ValueError(f"shapes {', '.join(str(tuple(s)) for s in shapes)} do not broadcast together.")
        if static:
            result.append(static.pop())
        elif dynamic:
            result.append(dynamic[0])
        else:
            result.append(1)
    return tuple(result)


def static_int(value: Any, what: str) -> int:
    if isinstance(value, DynamicDim):
        raise LoweringError(what, "it needs a size known when the graph is built, not the batch size")
    if isinstance(value, Symbol):
        raise LoweringError(what, "it needs a Python int here, not a traced tensor")
    if isinstance(value, (np.ndarray, np.generic)) and np.ndim(value) == 0:
        value = value.item()
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{what} must be an int; received {value!r}.")
    return int(value)


def normalize_axis(axis: Any, ndim: int, what: str = "axis") -> int:
    index = static_int(axis, what)
    if not -ndim <= index < ndim:
        raise ValueError(f"{what} {index} is out of range for a tensor of ndim {ndim}.")
    return index % ndim if ndim else 0


def normalize_axes(axis: Any, ndim: int) -> tuple[int, ...]:
    """None: every axis; an int or a sequence of ints within [-ndim, ndim)."""
    if axis is None:
        return tuple(range(ndim))
    items = tuple(axis) if isinstance(axis, (list, tuple)) else (axis,)
    axes = tuple(normalize_axis(item, ndim) for item in items)
    if len(set(axes)) != len(axes):
        raise ValueError(f"repeated axis in {axis!r}.")
    return axes


def reduced_shape(shape: Sequence[int], axes: Sequence[int], keepdims: bool) -> tuple[int, ...]:
    if keepdims:
        return tuple(1 if index in axes else dim for index, dim in enumerate(shape))
    return tuple(dim for index, dim in enumerate(shape) if index not in axes)


def axes_input(axes: Sequence[int]) -> Symbol:
    return int64s(list(axes))


def reshape(value: Symbol, shape: Sequence[int]) -> Symbol:
    """A Reshape to ``shape`` given in full (no -1; run-time sizes read from the graph)."""
    if tuple(value.shape) == tuple(shape):
        return value
    return emit("Reshape", [value, shape_vector(shape)], tuple(shape), value.dtype, allowzero=1)


def transpose(value: Symbol, perm: Sequence[int]) -> Symbol:
    perm = list(perm)
    if perm == list(range(value.ndim)):
        return value
    return emit("Transpose", [value], tuple(value.shape[axis] for axis in perm), value.dtype, perm=perm)


def unsqueeze(value: Symbol, axes: Sequence[int]) -> Symbol:
    shape = list(value.shape)
    for axis in sorted(axes):
        shape.insert(axis, 1)
    return emit("Unsqueeze", [value, axes_input(axes)], tuple(shape), value.dtype)


def squeeze(value: Symbol, axes: Sequence[int]) -> Symbol:
    if not axes:
        return value
    shape = tuple(dim for index, dim in enumerate(value.shape) if index not in axes)
    return emit("Squeeze", [value, axes_input(axes)], shape, value.dtype)


def expand(value: Symbol, shape: Sequence[int]) -> Symbol:
    if tuple(value.shape) == tuple(shape):
        return value
    return emit("Expand", [value, shape_vector(shape)], tuple(shape), value.dtype)


def filled(shape: Sequence[int], value: Any, dtype: str) -> Symbol:
    """A tensor of ``shape`` (run-time sizes allowed) holding ``value`` everywhere."""
    return expand(as_dtype(value, dtype), shape)


def where(condition: Symbol, x1: Symbol, x2: Symbol) -> Symbol:
    """Where for two values of one dtype (computed in one the kernel accepts)."""
    shape = broadcast_shapes(condition.shape, x1.shape, x2.shape)
    kernel = kernel_dtype(x1.dtype, SELECTABLE)
    chosen = emit("Where", [condition, cast(x1, kernel), cast(x2, kernel)], shape, kernel)
    return cast(chosen, x1.dtype)
