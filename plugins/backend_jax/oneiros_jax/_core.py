"""Ops that create, convert and inspect tensors."""

from __future__ import annotations

from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax
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
    return jnp.asarray(x, dtype=resolve(dtype))


def to_numpy(x):
    return np.asarray(x)


def is_tensor(x):
    return isinstance(x, jax.Array)


def cast(x, dtype):
    return jnp.asarray(x).astype(resolve(dtype))


def zeros(shape, dtype="float32"):
    return jnp.zeros(shape, resolve(dtype))


def ones(shape, dtype="float32"):
    return jnp.ones(shape, resolve(dtype))


def full(shape, fill_value, dtype=None):
    inferred = dtypes.result_type(fill_value) if dtype is None else dtype
    return jnp.full(shape, fill_value, resolve(inferred))


def zeros_like(x, dtype=None):
    return jnp.zeros_like(x, resolve_optional(dtype))


def ones_like(x, dtype=None):
    return jnp.ones_like(x, resolve_optional(dtype))


def full_like(x, fill_value, dtype=None):
    return jnp.full_like(x, fill_value, resolve_optional(dtype))


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
