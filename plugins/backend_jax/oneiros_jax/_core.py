"""Ops that create, convert and inspect tensors.

Outside a trace, constant tensors (zeros, ones, fills, identities) and conversions of host data
are made with numpy and placed with ``device_put``: eager ``jnp`` calls compile one small XLA
program per shape and dtype (tens of milliseconds each, every run: a model's build and its
optimizer's slots made about twenty of them), while a placement compiles nothing.
"""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax
from jax._src.core import trace_state_clean
from oneiros import dtypes
from oneiros.dtypes import DtypeError

from oneiros_jax._dtypes import resolve, resolve_optional

__all__ = [
    "arange", "cast", "convert_to_tensor", "dtype", "eye", "full", "full_like", "is_tensor",
    "linspace", "ones", "ones_like", "shape", "stop_gradient", "to_numpy", "zeros", "zeros_like",
    "view",
]


def _source_dtype(x: Any) -> np.dtype:
    return x.dtype if hasattr(x, "dtype") else np.asarray(x).dtype


def convert_to_tensor(x, dtype=None):
    if dtype is None:
        source = _source_dtype(x)
        name = dtypes.NARROWED.get(source.name, source.name)
        if name not in dtypes.SUPPORTED:
            raise DtypeError(
                f"convert_to_tensor received values of dtype {source.name!r}; expected numbers or "
                f"booleans of one of the supported dtypes: {', '.join(dtypes.SUPPORTED)}."
            )
        dtype = name
    # An explicit dtype makes the result strongly typed even for Python scalars, so it promotes
    # like any tensor (oneiros.dtypes), never as a JAX weak type.
    if _on_host(x) and trace_state_clean():
        return jax.device_put(np.asarray(x, dtype=resolve(dtype)))
    return jnp.asarray(x, dtype=resolve(dtype))


# Larger constants are made on the device: copying them from the host would cost more than a compile.
LARGEST_HOST_CONSTANT = 1 << 22


def _on_host(x: Any) -> bool:
    return not isinstance(x, jax.Array)  # tracers count as jax.Array too


def _host_constant(shape: Any, fill_value: Any, dtype: Any) -> jax.Array | None:
    """``shape`` filled with ``fill_value`` made on the host and placed, or None where it should be
    made on the device (under a trace, a traced fill value, or too large)."""
    if not trace_state_clean() or not _on_host(fill_value):
        return None
    shape = tuple(shape) if isinstance(shape, (tuple, list)) else (shape,)
    if not all(isinstance(size, (int, np.integer)) for size in shape) or np.prod(shape) > LARGEST_HOST_CONSTANT:
        return None
    return jax.device_put(np.full(shape, fill_value, dtype))


def to_numpy(x):
    return np.asarray(x)


def is_tensor(x):
    return isinstance(x, jax.Array)


def cast(x, dtype):
    if _on_host(x) and trace_state_clean():
        return jax.device_put(np.asarray(x).astype(resolve(dtype)))
    return jnp.asarray(x).astype(resolve(dtype))


def zeros(shape, dtype="float32"):
    return full(shape, 0, dtype)


def ones(shape, dtype="float32"):
    return full(shape, 1, dtype)


def full(shape, fill_value, dtype=None):
    resolved = resolve(dtypes.result_type(fill_value) if dtype is None else dtype)
    constant = _host_constant(shape, fill_value, resolved)
    return jnp.full(shape, fill_value, resolved) if constant is None else constant


def zeros_like(x, dtype=None):
    return full_like(x, 0, dtype)


def ones_like(x, dtype=None):
    return full_like(x, 1, dtype)


def full_like(x, fill_value, dtype=None):
    resolved = resolve_optional(dtype) or jax.dtypes.canonicalize_dtype(_source_dtype(x))
    constant = _host_constant(np.shape(x), fill_value, resolved)
    return jnp.full_like(x, fill_value, resolve_optional(dtype)) if constant is None else constant


def arange(start, stop=None, step=1, dtype=None):
    return jnp.arange(start, stop, step, dtype=resolve_optional(dtype))


def eye(n, m=None, k=0, dtype="float32"):
    return jnp.eye(n, m, k, dtype=resolve(dtype))


def linspace(start, stop, num=50, endpoint=True, dtype="float32"):
    return jnp.linspace(start, stop, num, endpoint=endpoint, dtype=resolve(dtype))


def shape(x):
    return tuple(int(size) for size in jnp.shape(x))


def dtype(x):
    return dtypes.name_of(_source_dtype(x))


def stop_gradient(x):
    return lax.stop_gradient(x)


def view(x, dtype=None):
    x = jnp.asarray(x)
    return x if dtype is None else x.view(resolve(dtype))
