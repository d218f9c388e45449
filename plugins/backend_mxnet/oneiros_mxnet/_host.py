"""Moving values from numpy to MXNet: uploads and constants that never wait."""

from __future__ import annotations

import functools
from typing import Any

import mxnet
import numpy as np
from mxnet import numpy as mnp

from oneiros_mxnet._engine import context


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
