"""Creating, converting and inspecting tensors.

Tensors outside a trace are numpy arrays. Ops whose result depends only on static arguments
(zeros, arange, eye...) are constants: they are computed on the host with the numpy reference,
and become initializers when a graph uses them; only a size known at run time (the batch axis of
a traced input) makes them graph nodes.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from oneiros import dtypes
from oneiros.backends.numpy_reference import ops as host
from oneiros_onnx._dims import DynamicDim, has_dynamic
from oneiros_onnx._dispatch import lowered
from oneiros_onnx._graph import Symbol
from oneiros_onnx._shape import stack
from oneiros_onnx._trace import concrete, emit, is_symbolic, lift
from oneiros_onnx._values import as_dtype, cast as cast_symbol, dtype_name, dtype_of, filled, operand, shape_of
from oneiros_onnx.errors import LoweringError

__all__ = [
    "arange", "cast", "convert_to_tensor", "dtype", "eye", "full", "full_like", "is_tensor",
    "linspace", "ones", "ones_like", "shape", "stop_gradient", "to_numpy", "zeros", "zeros_like",
]


def convert_to_tensor(x: Any, dtype: Any = None) -> Any:
    if isinstance(x, (list, tuple)) and is_symbolic(x):  # e.g. a shape holding the batch size
        return convert_to_tensor(stack([convert_to_tensor(item) for item in x]), dtype)
    if isinstance(x, (Symbol, DynamicDim)):
        value = operand(x)
        return value if dtype is None else cast_symbol(value, dtype_name(dtype))
    if dtype is not None:
        dtype_name(dtype)
    array = host.convert_to_tensor(x, dtype)
    dtype_name(array.dtype)
    return array


def to_numpy(x: Any) -> np.ndarray:
    if isinstance(x, Symbol):
        raise x.no_value("to_numpy")
    return host.to_numpy(x)


def is_tensor(x: Any) -> bool:
    if isinstance(x, Symbol):
        return True
    return isinstance(x, np.ndarray) and x.dtype.name in dtypes.SUPPORTED and x.dtype.name != "bfloat16"


@lowered
def cast(x: Any, dtype: Any) -> Symbol:
    target = dtype_name(dtype)
    value = lift(x) if isinstance(x, (Symbol, DynamicDim)) else as_dtype(x, dtype_of(x))
    if value.dtype == "float16" and target != "float16":
        value = cast_symbol(value, "float32")  # the reference converts half floats through float32
    return cast_symbol(value, target)


def _shape_tuple(shape: Any) -> tuple:
    return (shape,) if isinstance(shape, (int, np.integer)) else tuple(shape)


def zeros(shape: Any, dtype: Any = "float32") -> Any:
    name = dtype_name(dtype)
    if has_dynamic(_shape_tuple(shape)):
        return filled(_shape_tuple(shape), 0, name)
    return host.zeros(shape, name)


def ones(shape: Any, dtype: Any = "float32") -> Any:
    name = dtype_name(dtype)
    if has_dynamic(_shape_tuple(shape)):
        return filled(_shape_tuple(shape), 1, name)
    return host.ones(shape, name)


def full(shape: Any, fill_value: Any, dtype: Any = None) -> Any:
    if has_dynamic(_shape_tuple(shape)) or is_symbolic(fill_value):
        value = operand(fill_value)
        name = dtype_name(dtype) if dtype is not None else dtypes.result_type(value)
        return filled(_shape_tuple(shape), value, name)
    return host.full(shape, fill_value, None if dtype is None else dtype_name(dtype))


def _like(x: Any, dtype: Any) -> tuple[tuple, str]:
    name = dtype_of(x) if dtype is None else dtype_name(dtype)
    return shape_of(x), name


def zeros_like(x: Any, dtype: Any = None) -> Any:
    return full_like(x, 0, dtype)


def ones_like(x: Any, dtype: Any = None) -> Any:
    return full_like(x, 1, dtype)


def full_like(x: Any, fill_value: Any, dtype: Any = None) -> Any:
    shape, name = _like(x, dtype)
    if has_dynamic(shape) or is_symbolic(fill_value):
        return filled(shape, operand(fill_value), name)
    return host.full(shape, fill_value, name)


def arange(start: Any, stop: Any = None, step: Any = 1, dtype: Any = None) -> Any:
    if not is_symbolic((start, stop, step)):
        return host.arange(start, stop, step, None if dtype is None else dtype_name(dtype))
    if stop is None:
        start, stop = 0, start
    if not all(isinstance(bound, int) for bound in (start, stop, step)):
        raise LoweringError("arange", "only integer bounds may be sizes known at run time")
    name = "int32" if dtype is None else dtype_name(dtype)
    scalars = [lift(bound) if isinstance(bound, DynamicDim) else as_dtype(bound, "int64")
               for bound in (start, stop, step)]
    count = (stop - start + step - 1) // step if step > 0 else (start - stop - step - 1) // (-step)
    return cast_symbol(emit("Range", scalars, (count,), "int64"), name)


def eye(n: int, m: int | None = None, k: int = 0, dtype: Any = "float32") -> np.ndarray:
    if is_symbolic((n, m, k)):
        raise LoweringError("eye", "its sizes must be known when the graph is built")
    return host.eye(n, m, k, dtype_name(dtype))


def linspace(start: Any, stop: Any, num: int = 50, endpoint: bool = True, dtype: Any = "float32") -> np.ndarray:
    if is_symbolic((start, stop, num)):
        raise LoweringError("linspace", "its bounds and count must be known when the graph is built")
    return host.linspace(start, stop, num, endpoint, dtype_name(dtype))


def shape(x: Any) -> tuple[int, ...]:
    if isinstance(x, Symbol):
        return x.shape
    return host.shape(x)


def dtype(x: Any) -> str:
    if isinstance(x, Symbol):
        return x.dtype
    return dtype_name(concrete(x).dtype)


def stop_gradient(x: Any) -> Any:
    return x if isinstance(x, Symbol) else host.stop_gradient(x)
