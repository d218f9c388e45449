"""Ops that rearrange, select and combine tensors."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

__all__ = [
    "broadcast_to", "concatenate", "expand_dims", "flip", "moveaxis", "pad", "repeat", "reshape",
    "scatter", "scatter_update", "segment_max", "segment_sum", "slice", "slice_update", "split",
    "squeeze", "stack", "take", "take_along_axis", "tile", "transpose", "where",
]

PAD_MODES = ("constant", "reflect", "symmetric")


def _check_block(op_name: str, x_shape: Sequence[int], start_indices: Sequence[Any],
                 block_shape: Sequence[int]) -> None:
    """Rejects blocks that leave ``x``: lax.dynamic_slice would silently clamp their start.

    Traced start indices (inside jit) cannot be checked and are clamped by XLA.
    """
    if not len(x_shape) == len(start_indices) == len(block_shape):
        raise ValueError(
            f"{op_name}: a tensor of shape {tuple(x_shape)} needs one start index and one block size "
            f"per axis; received start_indices={tuple(start_indices)} and a block of shape "
            f"{tuple(block_shape)}."
        )
    for axis, (size, start, extent) in enumerate(zip(x_shape, start_indices, block_shape)):
        concrete = isinstance(start, (int, np.integer))
        if extent > size or (concrete and not 0 <= start <= size - extent):
            raise ValueError(
                f"{op_name}: the block of shape {tuple(block_shape)} at start {tuple(start_indices)} "
                f"does not fit in shape {tuple(x_shape)} (axis {axis})."
            )


def _index_tuple(indices: Any) -> tuple[Any, ...]:
    """Indices of shape (..., k) as k index arrays, for ``x.at[...]``."""
    indices = jnp.asarray(indices)
    return tuple(indices[..., position] for position in range(indices.shape[-1]))


def reshape(x, newshape):
    return jnp.reshape(x, newshape)


def transpose(x, axes=None):
    return jnp.transpose(x, axes)


def moveaxis(x, source, destination):
    return jnp.moveaxis(x, source, destination)


def expand_dims(x, axis):
    return jnp.expand_dims(x, axis)


def squeeze(x, axis=None):
    return jnp.squeeze(x, axis)


def concatenate(xs, axis=0):
    return jnp.concatenate(xs, axis=axis)


def stack(xs, axis=0):
    return jnp.stack(xs, axis=axis)


def split(x, indices_or_sections, axis=0):
    return jnp.split(x, indices_or_sections, axis=axis)


def tile(x, repeats):
    return jnp.tile(x, repeats)


def repeat(x, repeats, axis=None):
    # A list of counts becomes a numpy array, which jnp.repeat accepts and, being concrete,
    # can size the result with even inside jit.
    counts = np.asarray(repeats) if isinstance(repeats, (list, tuple)) else repeats
    return jnp.repeat(x, counts, axis=axis)


def pad(x, pad_width, mode="constant", constant_values=0):
    if mode not in PAD_MODES:
        raise ValueError(f"pad: unknown mode {mode!r}; expected one of {', '.join(PAD_MODES)}.")
    if mode == "constant":
        return jnp.pad(x, pad_width, mode=mode, constant_values=constant_values)
    return jnp.pad(x, pad_width, mode=mode)


def flip(x, axis=None):
    return jnp.flip(x, axis)


def broadcast_to(x, shape):
    return jnp.broadcast_to(x, shape)


def slice(x, start_indices, shape):
    _check_block("slice", jnp.shape(x), start_indices, shape)
    return lax.dynamic_slice(x, start_indices, shape)


def slice_update(x, start_indices, updates):
    x = jnp.asarray(x)
    updates = jnp.asarray(updates, dtype=x.dtype)
    _check_block("slice_update", x.shape, start_indices, updates.shape)
    return lax.dynamic_update_slice(x, updates, start_indices)


def take(x, indices, axis=None):
    return jnp.take(x, indices, axis=axis)


def take_along_axis(x, indices, axis=None):
    return jnp.take_along_axis(x, indices, axis=axis)


def where(condition, x1, x2):
    return jnp.where(condition, x1, x2)


def scatter(indices, values, shape):
    values = jnp.asarray(values)
    return jnp.zeros(shape, values.dtype).at[_index_tuple(indices)].add(values)


def scatter_update(x, indices, updates):
    return jnp.asarray(x).at[_index_tuple(indices)].set(updates)


def segment_sum(data, segment_ids, num_segments):
    return jax.ops.segment_sum(data, segment_ids, num_segments)


def segment_max(data, segment_ids, num_segments):
    return jax.ops.segment_max(data, segment_ids, num_segments)
