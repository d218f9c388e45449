"""Creating, converting and inspecting tensors."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from mxnet import numpy as mnp
from mxnet import nd
from oneiros import dtypes
from oneiros.backend.host_arrays import narrowed_numpy

from oneiros_mxnet._engine import context
from oneiros_mxnet._host import constant
from oneiros_mxnet._layout import ChannelsLastView
from oneiros_mxnet._tensor import (
    as_tensor,
    compute_dtype,
    dtype_name,
    finish,
    from_numpy,
    is_python_scalar,
    operand,
    operand_dtype,
    shape_tuple,
    storage_dtype,
    supported_name,
    to_compute,
)
from oneiros_mxnet._tensor import to_numpy as _to_numpy

__all__ = [
    "arange", "cast", "convert_to_tensor", "dtype", "eye", "full", "full_like", "is_tensor",
    "linspace", "ones", "ones_like", "shape", "stop_gradient", "to_numpy", "zeros", "zeros_like",
]


def convert_to_tensor(x, dtype=None):
    if type(x) is ChannelsLastView and (dtype is None or supported_name(dtype) == dtype_name(x)):
        return x  # already this backend's tensor: converting it must not transpose it
    if dtype is None:
        return as_tensor(x)
    target = supported_name(dtype)
    if is_python_scalar(x):
        return finish(constant(x, compute_dtype(target)), target)
    return cast(x, target)


def to_numpy(x):
    return _to_numpy(x)


def is_tensor(x):
    return isinstance(x, (nd.NDArray, ChannelsLastView))


def cast(x, dtype):
    target = supported_name(dtype)
    if not is_tensor(x):
        source = np.asarray(x)
        # 64-bit sources convert straight to the target: narrowing them first would round twice.
        if source.dtype.name not in dtypes.NARROWED:
            source = narrowed_numpy(source)
        return from_numpy(source.astype(target))
    tensor = as_tensor(x)
    if dtype_name(tensor) == target:
        return tensor
    return finish(to_compute(tensor, dtype_name(tensor)), target)


def _filled(shape: Any, value: Any, name: str) -> mnp.ndarray:
    return finish(mnp.full(shape_tuple(shape), value, dtype=compute_dtype(name), ctx=context()), name)


def zeros(shape, dtype="float32"):
    name = supported_name(dtype)
    return finish(mnp.zeros(shape_tuple(shape), dtype=storage_dtype(name), ctx=context()), name)


def ones(shape, dtype="float32"):
    name = supported_name(dtype)
    return finish(mnp.ones(shape_tuple(shape), dtype=storage_dtype(name), ctx=context()), name)


def full(shape, fill_value, dtype=None):
    value = operand(fill_value)
    name = dtypes.result_type(operand_dtype(value)) if dtype is None else supported_name(dtype)
    if not is_python_scalar(value):
        return finish(mnp.broadcast_to(to_compute(value, name), shape_tuple(shape)), name)
    return _filled(shape, value, name)


def zeros_like(x, dtype=None):
    tensor = as_tensor(x)
    return zeros(tensor.shape, dtype_name(tensor) if dtype is None else dtype)


def ones_like(x, dtype=None):
    tensor = as_tensor(x)
    return ones(tensor.shape, dtype_name(tensor) if dtype is None else dtype)


def full_like(x, fill_value, dtype=None):
    tensor = as_tensor(x)
    return full(tensor.shape, fill_value, dtype_name(tensor) if dtype is None else dtype)


def arange(start, stop=None, step=1, dtype=None):
    if stop is None:
        start, stop = 0, start
    bounds = [operand(value) for value in (start, stop, step)]
    name = dtypes.result_type(*(operand_dtype(b) for b in bounds)) if dtype is None else supported_name(dtype)
    start_value, stop_value, step_value = (float(_to_numpy(b)) if not is_python_scalar(b) else b for b in bounds)
    if step_value == 0:
        raise ValueError("arange needs a non-zero step; received step=0.")
    count = max(math.ceil((stop_value - start_value) / step_value), 0)
    positions = mnp.arange(count, dtype="float64", ctx=context())
    return finish(positions * step_value + start_value, name)


def eye(n, m=None, k=0, dtype="float32"):
    name = supported_name(dtype)
    return finish(mnp.eye(int(n), None if m is None else int(m), int(k), dtype=compute_dtype(name),
                          ctx=context()), name)


def linspace(start, stop, num=50, endpoint=True, dtype="float32"):
    name = supported_name(dtype)
    values = mnp.linspace(float(start), float(stop), int(num), endpoint=bool(endpoint), dtype="float64",
                          ctx=context())
    if not dtypes.is_float(name):
        # Integer linspace rounds toward minus infinity, as jax.numpy does.
        values = mnp.floor(values)
    return finish(values, name)


def shape(x):
    source = x if type(x) is ChannelsLastView else as_tensor(x)
    return tuple(int(dim) for dim in source.shape)


def dtype(x):
    return dtype_name(x if type(x) is ChannelsLastView else as_tensor(x))


def stop_gradient(x):
    tensor = as_tensor(x)
    return tensor.detach() if dtypes.is_float(dtype_name(tensor)) else tensor
