"""Dtype names to JAX dtypes, and the float promotion some ops add on top of jax.numpy."""

from __future__ import annotations

from typing import Any

import jax.numpy as jnp
import numpy as np
from oneiros import dtypes

_JAX_DTYPES: dict[str, np.dtype] = {name: jnp.dtype(getattr(jnp, name)) for name in dtypes.SUPPORTED}
_FLOAT32 = _JAX_DTYPES[dtypes.DEFAULT_FLOAT]
_FLOAT_DTYPES = frozenset(_JAX_DTYPES[name] for name in dtypes.FLOATS)


def resolve(dtype: Any) -> np.dtype:
    """The JAX dtype for a supported dtype name (or dtype object); 64-bit names are narrowed."""
    return _JAX_DTYPES[dtypes.name_of(dtype)]


def resolve_optional(dtype: Any) -> np.dtype | None:
    return None if dtype is None else resolve(dtype)


def to_float(x: Any) -> Any:
    """``x`` as a float tensor: floats unchanged (no extra HLO), bool and ints as float32."""
    if getattr(x, "dtype", None) in _FLOAT_DTYPES:
        return x
    x = jnp.asarray(x)
    return x if jnp.issubdtype(x.dtype, jnp.floating) else x.astype(_FLOAT32)

