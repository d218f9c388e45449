"""Checks shared by the core layers on their input shapes (constructor arguments: ``oneiros.arguments``).

Every error names the layer class (and the layer, once it has a name), what it received and
what it expected.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def describe(layer: Any) -> str:
    """``Dense 'dense_1'``: how errors name a layer."""
    return f"{type(layer).__name__} {layer.name!r}"


def concrete_noise_shape(layer: Any, noise_shape: tuple[int | None, ...] | None,
                         input_shape: tuple[int, ...]) -> tuple[int, ...]:
    """``noise_shape`` with its None entries replaced by the sizes of ``input_shape``."""
    if noise_shape is None:
        return input_shape
    if len(noise_shape) != len(input_shape):
        raise ValueError(f"{describe(layer)}: noise_shape {noise_shape} has {len(noise_shape)} axes but the "
                         f"inputs have shape {input_shape}.")
    return tuple(size if wanted is None else wanted for wanted, size in zip(noise_shape, input_shape))


def resolve_axes(layer: Any, axis: int | Sequence[int], input_shape: Sequence[int | None]) -> tuple[int, ...]:
    """``axis`` (an int or ints, negative allowed) as sorted non-negative axes of ``input_shape``."""
    rank = len(input_shape)
    requested = (axis,) if isinstance(axis, int) else tuple(axis)
    resolved = []
    for item in requested:
        if not -rank <= item < rank:
            raise ValueError(f"{describe(layer)}: axis {item} is out of bounds for inputs of rank {rank} "
                             f"(shape {tuple(input_shape)}); received axis={axis!r}.")
        resolved.append(item % rank)
    if len(set(resolved)) != len(resolved):
        raise ValueError(f"{describe(layer)}: axis={axis!r} names the same axis twice for inputs of "
                         f"shape {tuple(input_shape)}.")
    return tuple(sorted(resolved))


def known_sizes(layer: Any, axes: Sequence[int], input_shape: Sequence[int | None]) -> tuple[int, ...]:
    """The sizes of ``axes`` in ``input_shape``, which must be known to create weights."""
    sizes = tuple(input_shape[axis] for axis in axes)
    if any(size is None for size in sizes):
        raise ValueError(f"{describe(layer)} needs known sizes on axes {list(axes)} to create its weights; "
                         f"received input shape {tuple(input_shape)}.")
    return sizes


def broadcast_shape(rank: int, axes: Sequence[int], sizes: Sequence[int]) -> tuple[int, ...]:
    """A shape of ``rank`` ones with ``sizes`` on ``axes``: a per-axis weight made broadcastable."""
    shape = [1] * rank
    for axis, size in zip(axes, sizes):
        shape[axis] = size
    return tuple(shape)


def passthrough_dtype(layer: Any, input_dtype: Any) -> Any:
    """The output dtype of a layer that only moves values: floats take the compute dtype
    (inputs are autocast), other dtypes pass through."""
    if isinstance(input_dtype, str) and "float" not in input_dtype:
        return input_dtype
    return layer.compute_dtype
