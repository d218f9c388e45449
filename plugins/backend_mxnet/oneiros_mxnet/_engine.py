"""The MXNet engine as this backend uses it: numpy semantics switched on, errors translated.

Tensors are ``mxnet.numpy.ndarray`` (MXNet's ``NDArray`` with numpy shape, broadcasting and
indexing rules; it shares the engine, memory and autograd of ``mxnet.nd``). Zero-dimensional
and zero-size shapes need MXNet's "numpy shape" mode; it is switched on process-wide (not per
thread) so data-loading threads see the same shapes as the main one.
"""

from __future__ import annotations

import atexit
import ctypes
import functools
from collections.abc import Callable
from typing import Any

import mxnet
from mxnet.base import MXNetError

_NUMPY_SHAPE_GLOBALLY = 2  # MXSetIsNumpyShape: 0 off, 1 this thread, 2 every thread


def activate_numpy_shapes() -> None:
    previous = ctypes.c_int()
    mxnet.base.check_call(
        mxnet.base._LIB.MXSetIsNumpyShape(ctypes.c_int(_NUMPY_SHAPE_GLOBALLY), ctypes.byref(previous)))


activate_numpy_shapes()
# Registered after MXNet's own shutdown hook, so it runs first: MXNet can abort the process
# ("terminate called without an active exception") if it shuts down with operations in flight.
atexit.register(mxnet.nd.waitall)


def context() -> Any:
    """The context new tensors are created on: MXNet's current one (``with mxnet.gpu(0):``)."""
    return mxnet.context.current_context()


def device_names() -> list[str]:
    default = str(context())
    others = [str(mxnet.cpu(0))] + [str(mxnet.gpu(index)) for index in range(mxnet.context.num_gpus())]
    return [default] + [name for name in others if name != default]


def engine_message(exc: MXNetError) -> str:
    """The informative line of an MXNet error (its C++ traceback is noise to a Python user)."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    checks = [line for line in lines if "Check failed" in line or line.startswith("MXNetError")]
    return (checks[-1] if checks else lines[-1] if lines else type(exc).__name__).removeprefix("MXNetError: ")


def translating_errors(fn: Callable) -> Callable:
    """``fn`` raising ValueError for MXNet's errors, so the op dispatcher reports them as OpError."""

    @functools.wraps(fn)
    def call(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except MXNetError as exc:
            raise ValueError(f"MXNet refused the call: {engine_message(exc)}") from None

    return call
