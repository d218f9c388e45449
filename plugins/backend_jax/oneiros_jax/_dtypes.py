"""Dtype names to JAX dtypes, and the promotions the op contract adds on top of jax.numpy."""

from __future__ import annotations

from typing import Any

import jax.numpy as jnp
import numpy as np
from oneiros import dtypes

_JAX_DTYPES: dict[str, np.dtype] = {name: jnp.dtype(getattr(jnp, name)) for name in dtypes.SUPPORTED}
_FLOAT32 = _JAX_DTYPES[dtypes.DEFAULT_FLOAT]
_SUM_DTYPES = {"bool": "int32", "int8": "int32", "int16": "int32", "uint8": "uint32", "uint16": "uint32"}


def resolve(dtype: Any) -> np.dtype:
    """The JAX dtype for a supported dtype name (or dtype object); 64-bit names are narrowed."""
    return _JAX_DTYPES[dtypes.name_of(dtype)]


def resolve_optional(dtype: Any) -> np.dtype | None:
    return None if dtype is None else resolve(dtype)


def to_float(x: Any) -> Any:
    """``x`` as a float tensor: floats unchanged (no extra HLO), bool and ints as float32."""
    x = jnp.asarray(x)
    return x if jnp.issubdtype(x.dtype, jnp.floating) else x.astype(_FLOAT32)


def accumulator(x: Any) -> np.dtype | None:
    """The dtype a running sum/product of ``x`` is kept in, or None to keep its own dtype.

    Bool and 8/16-bit ints accumulate in 32 bits (signed stays signed), as ``sum`` does.
    """
    name = jnp.asarray(x).dtype.name
    return _JAX_DTYPES[_SUM_DTYPES[name]] if name in _SUM_DTYPES else None
