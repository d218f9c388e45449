"""Checks shared by the core layers: constructor arguments and input shapes.

Every error names the layer class (and the layer, once it has a name), what it received and
what it expected.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from oneiros import _arguments

DATA_FORMATS = ("channels_last", "channels_first")


def describe(layer: Any) -> str:
    """``Dense 'dense_1'``: how errors name a layer."""
    return f"{type(layer).__name__} {layer.name!r}"


def fraction(owner: str, argument: str, value: Any, *, allow_one: bool = True) -> float:
    """A rate or standard deviation in [0, 1] (or [0, 1) without ``allow_one``)."""
    number = _arguments.real(owner, argument, value, minimum=0.0, maximum=1.0)
    if number == 1.0 and not allow_one:
        raise ValueError(f"{owner}: argument `{argument}` must be a finite number in [0, 1); "
                         f"received {argument}={value!r}.")
    return number


def data_format(owner: str, value: Any) -> str:
    """``"channels_last"`` (the default, for None) or ``"channels_first"``."""
    return _arguments.choice(owner, "data_format", "channels_last" if value is None else value, DATA_FORMATS)


def axis_argument(owner: str, value: Any) -> int | list[int]:
    """An int axis or a non-empty list of distinct int axes (as a list, ready for a config)."""
    axes = _arguments.axes(owner, "axis", value)
    return list(axes) if isinstance(axes, tuple) else axes


def positive_int(owner: str, argument: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValueError(f"{owner}: argument `{argument}` must be a positive int; "
                         f"received {argument}={value!r}.")
    return value


def noise_shape(owner: str, value: Any) -> tuple[int | None, ...] | None:
    """None, or a dropout noise shape: positive ints, with None for "the input's size"."""
    if value is None:
        return None
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence) or any(
            size is not None and (isinstance(size, bool) or not isinstance(size, int) or size <= 0)
            for size in value):
        raise ValueError(f"{owner}: argument `noise_shape` must be None or a sequence of positive ints "
                         f"and None; received noise_shape={value!r}.")
    return tuple(value)


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
