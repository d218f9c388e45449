"""Creating, converting and inspecting tensors."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from oneiros import dtypes
from oneiros.backends.numpy_reference._tensor import (
    as_tensor,
    compute_dtype,
    finish,
    is_python_scalar,
    numpy_dtype,
    operand,
    quiet,
    shape_tuple,
)

__all__ = [
    "arange", "cast", "convert_to_tensor", "dtype", "eye", "full", "full_like", "is_tensor",
    "linspace", "ones", "ones_like", "shape", "stop_gradient", "to_numpy", "zeros", "zeros_like",
    "array", "bartlett", "blackman", "convert_to_numpy", "copy", "empty", "empty_like", "geomspace",
    "hamming", "hanning", "identity", "kaiser", "logspace", "ndim", "saturate_cast", "size", "tri",
    "view",
]


def convert_to_tensor(x: Any, dtype: Any = None) -> np.ndarray:
    if dtype is None:
        return as_tensor(x)
    target = numpy_dtype(dtype).name
    if is_python_scalar(x):
        return finish(np.asarray(x, dtype=compute_dtype(target)), target)
    return cast(x, target)


def to_numpy(x: Any) -> np.ndarray:
    return np.array(as_tensor(x))


def is_tensor(x: Any) -> bool:
    return isinstance(x, np.ndarray) and x.dtype.name in dtypes.SUPPORTED


def cast(x: Any, dtype: Any) -> np.ndarray:
    target = numpy_dtype(dtype).name
    source = np.asarray(x)
    # 64-bit sources convert straight to the target: narrowing them first would round twice.
    if source.dtype.name not in dtypes.NARROWED:
        source = as_tensor(source)
        source = source.astype(compute_dtype(source.dtype.name), copy=False)
    with quiet():
        return finish(source, target)


def zeros(shape: Any, dtype: Any = "float32") -> np.ndarray:
    return np.zeros(shape_tuple(shape), numpy_dtype(dtype))


def ones(shape: Any, dtype: Any = "float32") -> np.ndarray:
    return np.ones(shape_tuple(shape), numpy_dtype(dtype))


def full(shape: Any, fill_value: Any, dtype: Any = None) -> np.ndarray:
    value = operand(fill_value)
    name = dtypes.result_type(value) if dtype is None else numpy_dtype(dtype).name
    return finish(np.full(shape_tuple(shape), convert_to_tensor(value, name)), name)


def zeros_like(x: Any, dtype: Any = None) -> np.ndarray:
    array = as_tensor(x)
    return zeros(array.shape, array.dtype if dtype is None else dtype)


def ones_like(x: Any, dtype: Any = None) -> np.ndarray:
    array = as_tensor(x)
    return ones(array.shape, array.dtype if dtype is None else dtype)


def full_like(x: Any, fill_value: Any, dtype: Any = None) -> np.ndarray:
    array = as_tensor(x)
    return full(array.shape, fill_value, array.dtype if dtype is None else dtype)


def arange(start: Any, stop: Any = None, step: Any = 1, dtype: Any = None) -> np.ndarray:
    if stop is None:
        start, stop = 0, start
    bounds = [operand(value) for value in (start, stop, step)]
    name = dtypes.result_type(*bounds) if dtype is None else numpy_dtype(dtype).name
    start_value, stop_value, step_value = (np.asarray(value).item() for value in bounds)
    if step_value == 0:
        raise ValueError("arange needs a non-zero step; received step=0.")
    count = max(math.ceil((stop_value - start_value) / step_value), 0)
    return finish(start_value + step_value * np.arange(count), name)


def eye(n: int, m: int | None = None, k: int = 0, dtype: Any = "float32") -> np.ndarray:
    return np.eye(n, m, k, dtype=numpy_dtype(dtype))


def linspace(start: Any, stop: Any, num: int = 50, endpoint: bool = True,
             dtype: Any = "float32") -> np.ndarray:
    name = numpy_dtype(dtype).name
    values = np.linspace(float(start), float(stop), num, endpoint=endpoint, dtype=np.float64)
    if not dtypes.is_float(name):
        # Integer linspace rounds toward minus infinity, as jax.numpy does.
        values = np.floor(values)
    return finish(values, name)


def shape(x: Any) -> tuple[int, ...]:
    return tuple(int(dim) for dim in as_tensor(x).shape)


def dtype(x: Any) -> str:
    return as_tensor(x).dtype.name


def stop_gradient(x: Any) -> np.ndarray:
    return as_tensor(x)


def array(x: Any, dtype: Any = None) -> np.ndarray:
    return convert_to_tensor(x, dtype)


def convert_to_numpy(x: Any) -> np.ndarray:
    return to_numpy(x)


def copy(x: Any) -> np.ndarray:
    return np.array(as_tensor(x), copy=True)


def empty(shape: Any, dtype: Any = None) -> np.ndarray:
    return zeros(shape, dtype or "float32")


def empty_like(x: Any, dtype: Any = None) -> np.ndarray:
    return zeros_like(x, dtype)


def identity(n: int, dtype: Any = None) -> np.ndarray:
    return np.identity(n, dtype=numpy_dtype(dtype or "float32"))


def tri(N: int, M: Any = None, k: int = 0, dtype: Any = None) -> np.ndarray:
    return np.tri(N, M, k, dtype=numpy_dtype(dtype or "float32"))


def ndim(x: Any) -> int:
    return as_tensor(x).ndim


def size(x: Any) -> int:
    return as_tensor(x).size


def saturate_cast(x: Any, dtype: Any) -> np.ndarray:
    array_ = as_tensor(x)
    name = dtypes.name_of(dtype)
    if name == "bool" or array_.dtype == np.bool_:
        return cast(array_, name)
    target = numpy_dtype(name)
    limits = np.iinfo(target) if target.kind in "iu" else _float_limits(name)
    wide = array_.astype(np.float64)
    if target.kind in "iu":
        wide = np.trunc(wide)
    with quiet():
        return finish(np.clip(wide, float(limits.min), float(limits.max)), name)


def _float_limits(name: str) -> Any:
    if name == "bfloat16":
        import ml_dtypes

        return ml_dtypes.finfo(ml_dtypes.bfloat16)
    return np.finfo(name)


def _window(function: Any, count: int, *args: Any) -> np.ndarray:
    return finish(function(count, *args), "float32")


def bartlett(x: int) -> np.ndarray:
    return _window(np.bartlett, x)


def blackman(x: int) -> np.ndarray:
    return _window(np.blackman, x)


def hamming(x: int) -> np.ndarray:
    return _window(np.hamming, x)


def hanning(x: int) -> np.ndarray:
    return _window(np.hanning, x)


def kaiser(x: int, beta: float) -> np.ndarray:
    return _window(np.kaiser, x, beta)


def logspace(start: Any, stop: Any, num: int = 50, endpoint: bool = True, base: Any = 10,
             dtype: Any = None, axis: int = 0) -> np.ndarray:
    values = np.logspace(np.asarray(start, np.float64), np.asarray(stop, np.float64), num, endpoint, base,
                         axis=axis)
    return finish(values, dtype or "float32")


def geomspace(start: Any, stop: Any, num: int = 50, endpoint: bool = True, dtype: Any = None,
              axis: int = 0) -> np.ndarray:
    values = np.geomspace(np.asarray(start, np.float64), np.asarray(stop, np.float64), num, endpoint, axis=axis)
    return finish(values, dtype or "float32")


def view(x: Any, dtype: Any = None) -> np.ndarray:
    array = as_tensor(x)
    return array if dtype is None else np.ascontiguousarray(array).view(numpy_dtype(dtype))
