"""Max and average pooling on lax.reduce_window."""

from __future__ import annotations

import math
from typing import Any

import jax.numpy as jnp
import numpy as np
from jax import lax

from oneiros_jax._layout import (
    DATA_FORMATS,
    PADDINGS,
    check_choice,
    per_axis,
    spatial_rank,
    spatial_shape,
    window,
)

__all__ = ["average_pool", "max_pool"]


def _windows(op_name: str, inputs: Any, pool_size: Any, strides: Any, padding: str,
             data_format: str) -> tuple[tuple[int, ...], tuple[int, ...], str]:
    """reduce_window's (window dimensions, strides, padding) for the spatial arguments."""
    rank = spatial_rank(op_name, inputs)
    check_choice(op_name, "data_format", data_format, DATA_FORMATS)
    pool = per_axis(op_name, "pool_size", pool_size, rank)
    steps = pool if strides is None else per_axis(op_name, "strides", strides, rank)
    padding = check_choice(op_name, "padding", padding, PADDINGS).upper()
    return window(data_format, pool), window(data_format, steps), padding


def _lowest(dtype: np.dtype) -> np.ndarray:
    """The identity of max: -inf for floats, the smallest value for ints (a concrete scalar,
    so reduce_window lowers to its max monoid)."""
    lowest = -np.inf if jnp.issubdtype(dtype, jnp.floating) else jnp.iinfo(dtype).min
    return np.array(lowest, dtype)


def max_pool(inputs, pool_size, strides=None, padding="valid", data_format="channels_last"):
    inputs = jnp.asarray(inputs)
    dims, steps, pads = _windows("max_pool", inputs, pool_size, strides, padding, data_format)
    return lax.reduce_window(inputs, _lowest(inputs.dtype), lax.max, dims, steps, pads)


def average_pool(inputs, pool_size, strides=None, padding="valid", data_format="channels_last"):
    inputs = jnp.asarray(inputs)
    dims, steps, pads = _windows("average_pool", inputs, pool_size, strides, padding, data_format)
    zero = np.array(0, inputs.dtype)
    sums = lax.reduce_window(inputs, zero, lax.add, dims, steps, pads)
    if pads == "VALID":
        return sums / math.prod(dims)
    # Windows at the border overlap the padding: divide by how many real elements each covers.
    ones = jnp.ones(window(data_format, spatial_shape(inputs, data_format)), inputs.dtype)
    return sums / lax.reduce_window(ones, zero, lax.add, dims, steps, pads)
