"""Ops that create, convert and inspect tensors.

Tensors made from Python values alone (zeros, arange, eye...) are numpy arrays even while
tracing: PyTensor takes them in as constants, which its rewrites fold.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytensor.tensor as pt
from oneiros import dtypes
from oneiros.backend.host_arrays import int_tuple
from pytensor.graph.basic import Variable

from oneiros_pytensor._graph import graph_op
from oneiros_pytensor._tensors import as_numpy, dtype_name, finish, static_shape, tensor

__all__ = [
    "arange", "cast", "convert_to_tensor", "dtype", "eye", "full", "full_like", "is_tensor",
    "linspace", "ones", "ones_like", "shape", "stop_gradient", "to_numpy", "zeros", "zeros_like",
]


def _is_python_scalar(value: Any) -> bool:
    return isinstance(value, (bool, int, float)) and not isinstance(value, np.generic)


def _host_cast(array: np.ndarray, name: str) -> np.ndarray:
    with np.errstate(invalid="ignore", over="ignore"):
        return array.astype(name)


def convert_to_tensor(x, dtype=None):
    if isinstance(x, Variable):
        return x if dtype is None else cast(x, dtype)
    if dtype is None:
        return as_numpy(x)
    name = dtype_name(dtype)
    if _is_python_scalar(x):
        return _host_cast(np.asarray(x), name)
    source = np.asarray(x)
    # 64-bit sources convert straight to the target: narrowing them first would round twice.
    return _host_cast(source if source.dtype.name in dtypes.NARROWED else as_numpy(source), name)


def to_numpy(x):
    if isinstance(x, Variable):
        raise TypeError(f"to_numpy cannot read the traced value {x} (inside jit or value_and_grad).")
    return np.array(as_numpy(x))  # a copy: a compiled step may later overwrite a donated buffer in place


def is_tensor(x):
    return isinstance(x, Variable) or (isinstance(x, np.ndarray) and x.dtype.name in dtypes.SUPPORTED)


@graph_op
def cast(x, dtype):
    name = dtype_name(dtype)
    if not isinstance(x, Variable):
        source = np.asarray(x)
        return _host_cast(source if source.dtype.name in dtypes.NARROWED else as_numpy(source), name)
    return finish(x, name)


def _shape(shape: Any) -> tuple[int, ...]:
    sizes = int_tuple(shape, "shape")
    if any(size < 0 for size in sizes):
        raise ValueError(f"shape must hold non-negative sizes; received {shape!r}.")
    return sizes


def zeros(shape, dtype="float32"):
    return np.zeros(_shape(shape), dtype_name(dtype))


def ones(shape, dtype="float32"):
    return np.ones(_shape(shape), dtype_name(dtype))


@graph_op
def full(shape, fill_value, dtype=None):
    sizes = _shape(shape)
    if isinstance(fill_value, Variable):
        name = fill_value.dtype if dtype is None else dtype_name(dtype)
        return pt.full(sizes, finish(fill_value, name))
    value = fill_value if _is_python_scalar(fill_value) else as_numpy(fill_value)
    name = dtypes.result_type(value) if dtype is None else dtype_name(dtype)
    return np.full(sizes, convert_to_tensor(value, name), name)


def zeros_like(x, dtype=None):
    return zeros(shape(x), tensor(x).dtype if dtype is None else dtype)


def ones_like(x, dtype=None):
    return ones(shape(x), tensor(x).dtype if dtype is None else dtype)


def full_like(x, fill_value, dtype=None):
    return full(shape(x), fill_value, tensor(x).dtype if dtype is None else dtype)


def arange(start, stop=None, step=1, dtype=None):
    if stop is None:
        start, stop = 0, start
    bounds = [value if _is_python_scalar(value) else as_numpy(value) for value in (start, stop, step)]
    name = dtypes.result_type(*bounds) if dtype is None else dtype_name(dtype)
    start_value, stop_value, step_value = (np.asarray(value).item() for value in bounds)
    if step_value == 0:
        raise ValueError("arange needs a non-zero step; received step=0.")
    count = max(math.ceil((stop_value - start_value) / step_value), 0)
    return _host_cast(start_value + step_value * np.arange(count), name)


def eye(n, m=None, k=0, dtype="float32"):
    return np.eye(n, m, k, dtype=dtype_name(dtype))


def linspace(start, stop, num=50, endpoint=True, dtype="float32"):
    name = dtype_name(dtype)
    values = np.linspace(float(start), float(stop), num, endpoint=endpoint, dtype=np.float64)
    if not dtypes.is_float(name):
        # Integer linspace rounds toward minus infinity, as jax.numpy does.
        values = np.floor(values)
    return _host_cast(values, name)


def shape(x):
    if isinstance(x, Variable):
        return static_shape(x)
    return tuple(int(size) for size in np.shape(x))


def dtype(x):
    return x.dtype if isinstance(x, Variable) else as_numpy(x).dtype.name


@graph_op
def stop_gradient(x):
    if not isinstance(x, Variable):
        return as_numpy(x)
    from pytensor.gradient import disconnected_grad

    return disconnected_grad(x)
