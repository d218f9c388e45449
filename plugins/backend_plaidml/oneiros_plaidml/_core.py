"""Creating, converting and inspecting tensors."""

from __future__ import annotations

from typing import Any

import numpy as np

from oneiros import dtypes
from oneiros.backend.host_arrays import int_tuple

from oneiros_plaidml._engine import tile_dtype
from oneiros_plaidml._tensor import PlaidTensor, as_tensor, cast_expression, elementwise, emit, host_tensor


def convert_to_tensor(x: Any, dtype: Any = None) -> PlaidTensor:
    return as_tensor(x, dtype)


def to_numpy(x: Any) -> np.ndarray:
    return as_tensor(x).numpy()


def is_tensor(x: Any) -> bool:
    return isinstance(x, PlaidTensor)


def _filled(shape: Any, fill_value: Any, dtype: Any) -> PlaidTensor:
    name = dtypes.name_of(dtype) if dtype is not None else dtypes.result_type(fill_value)
    tile_dtype(name)
    return host_tensor(np.full(int_tuple(shape, "shape"), fill_value, name))


def zeros(shape: Any, dtype: Any = "float32") -> PlaidTensor:
    return _filled(shape, 0, dtype)


def ones(shape: Any, dtype: Any = "float32") -> PlaidTensor:
    return _filled(shape, 1, dtype)


def full(shape: Any, fill_value: Any, dtype: Any = None) -> PlaidTensor:
    if isinstance(fill_value, PlaidTensor):
        fill_value = fill_value.numpy()
    if dtype is None and isinstance(fill_value, np.ndarray):
        dtype = fill_value.dtype.name
    return _filled(shape, fill_value, dtype)


def zeros_like(x: Any, dtype: Any = None) -> PlaidTensor:
    x = as_tensor(x)
    return _filled(x.shape, 0, dtype or x.dtype)


def ones_like(x: Any, dtype: Any = None) -> PlaidTensor:
    x = as_tensor(x)
    return _filled(x.shape, 1, dtype or x.dtype)


def full_like(x: Any, fill_value: Any, dtype: Any = None) -> PlaidTensor:
    x = as_tensor(x)
    return _filled(x.shape, fill_value, dtype or x.dtype)


def arange(start: Any, stop: Any = None, step: Any = 1, dtype: Any = None) -> PlaidTensor:
    if step == 0:
        raise ValueError("arange's step must not be 0")
    name = dtypes.name_of(dtype) if dtype is not None else dtypes.result_type(start, *(v for v in (stop, step)
                                                                                       if v is not None))
    values = np.arange(start, stop, step) if stop is not None else np.arange(start, step=step)
    return host_tensor(values.astype(name))


def eye(n: int, m: int | None = None, k: int = 0, dtype: Any = "float32") -> PlaidTensor:
    return host_tensor(np.eye(n, m, k, dtype=dtypes.name_of(dtype)))


def linspace(start: Any, stop: Any, num: int = 50, endpoint: bool = True, dtype: Any = "float32") -> PlaidTensor:
    return host_tensor(np.linspace(start, stop, num, endpoint=endpoint).astype(dtypes.name_of(dtype)))


def shape(x: Any) -> tuple[int, ...]:
    return as_tensor(x).shape


def dtype(x: Any) -> str:
    return as_tensor(x).dtype


def stop_gradient(x: Any) -> PlaidTensor:
    x = as_tensor(x)
    # PlaidML's autodiff gives every cast a zero derivative: a cast to the same dtype is an
    # identity whose gradient is blocked.
    return emit(f"O = {cast_expression('I0', x.dtype)};", [x], x.shape, x.dtype)


__all__ = [
    "arange", "cast", "convert_to_tensor", "dtype", "eye", "full", "full_like", "is_tensor", "linspace", "ones",
    "ones_like", "shape", "stop_gradient", "to_numpy", "zeros", "zeros_like",
]


def cast(x: Any, dtype: Any) -> PlaidTensor:
    x, name = as_tensor(x), dtypes.name_of(dtype)
    if name == x.dtype:
        return x
    if x.dtype in dtypes.FLOATS and name not in dtypes.FLOATS and name != "bool":
        # Tile rounds to nearest on float->int; the contract truncates toward zero.
        return elementwise(cast_expression("I0 < 0 ? ceil(I0) : floor(I0)", name), [x], x.shape, name)
    return elementwise("I0", [x], x.shape, name)
