"""Moving values between numpy and MXNet: narrowing 64-bit values, and uploads that never wait."""

from __future__ import annotations

import functools
from typing import Any

import mxnet
import numpy as np
from mxnet import numpy as mnp
from oneiros import dtypes

from oneiros_mxnet._engine import context

_NARROWED_INT_RANGES = {"int64": np.iinfo(np.int32), "uint64": np.iinfo(np.uint32)}


def narrowed_numpy(value: Any) -> np.ndarray:
    """``value`` as a numpy array of a supported dtype; 64-bit dtypes become 32-bit ones."""
    array = np.asarray(value)
    name = array.dtype.name
    if name in dtypes.SUPPORTED:
        return array
    narrowed = dtypes.NARROWED.get(name)
    if narrowed is None:
        raise TypeError(
            f"Cannot make a tensor of dtype {name} (received {type(value).__name__}); "
            f"expected numbers or booleans of a supported dtype: {', '.join(dtypes.SUPPORTED)}."
        )
    limits = _NARROWED_INT_RANGES.get(name)
    if limits is not None and array.size and (array.min() < limits.min or array.max() > limits.max):
        raise OverflowError(
            f"{name} values in [{array.min()}, {array.max()}] do not fit {narrowed} "
            f"([{limits.min}, {limits.max}]); tensors hold at most 32-bit integers."
        )
    return array.astype(narrowed)


def upload(host: np.ndarray) -> mnp.ndarray:
    """An MXNet array over ``host``, a C-contiguous array this backend owns from now on.

    Zero-copy and asynchronous: copying into a fresh MXNet array would wait for every queued
    operation to finish (the engine orders the allocation behind them), turning each upload
    into a synchronisation point.
    """
    if host.dtype == np.int8:  # MXNet's DLPack import has no int8
        return upload(host.astype(np.int32)).astype("int8")
    array = mxnet.nd.from_numpy(host, zero_copy=True, array_cls=mnp.ndarray)
    target = context()
    return array if array.ctx == target else array.as_in_context(target)


def constant(value: Any, dtype: str) -> mnp.ndarray:
    """A 0-d MXNet array of the MXNet dtype ``dtype`` holding ``value``."""
    return upload(np.array(value, dtype=dtype))


def shared_constant(value: bool | int | float, dtype: str, shape: tuple[int, ...] = ()) -> mnp.ndarray:
    """A ``shape`` MXNet array filled with the Python scalar ``value``, made once per context and
    then shared: for operands this backend creates and no caller ever sees or overwrites."""
    # The key keeps the scalar's type and repr, so 0.0 and -0.0 (equal, same hash) stay apart.
    return _shared(type(value), repr(value), value, dtype, shape, str(context()))


@functools.lru_cache(maxsize=512)
def _shared(kind: type, text: str, value: Any, dtype: str, shape: tuple[int, ...], device: str) -> mnp.ndarray:
    return upload(np.full(shape, value, dtype=dtype))
