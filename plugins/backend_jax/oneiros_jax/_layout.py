"""Spatial layouts shared by convolution and pooling: data formats and per-axis arguments."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

DATA_FORMATS = ("channels_last", "channels_first")
PADDINGS = ("valid", "same")
_SPATIAL_LETTERS = ("W", "HW", "DHW")


def spatial_rank(op_name: str, inputs: Any) -> int:
    rank = len(inputs.shape) - 2
    if not 1 <= rank <= 3:
        raise ValueError(
            f"{op_name}: expected inputs of ndim 3 to 5 (batch, 1-3 spatial axes, channels); "
            f"received shape {tuple(inputs.shape)}."
        )
    return rank


def per_axis(op_name: str, argument: str, value: int | Sequence[int], rank: int) -> tuple[int, ...]:
    """An int or one int per spatial axis, as a tuple of ``rank`` positive ints."""
    values = (value,) * rank if isinstance(value, int) else tuple(value)
    if len(values) != rank or any(not isinstance(v, int) or v < 1 for v in values):
        raise ValueError(
            f"{op_name}: {argument} must be a positive int or {rank} positive ints (one per "
            f"spatial axis); received {value!r}."
        )
    return values


def check_choice(op_name: str, argument: str, value: str, choices: Sequence[str]) -> str:
    if value not in choices:
        raise ValueError(
            f"{op_name}: {argument} must be one of {', '.join(choices)}; received {value!r}."
        )
    return value


def channels_axis(data_format: str) -> int:
    return -1 if data_format == "channels_last" else 1


def conv_dimension_numbers(data_format: str, rank: int) -> tuple[str, str, str]:
    """(inputs, kernel, outputs) specs for lax convolutions; kernels are (*spatial, in, out)."""
    spatial = _SPATIAL_LETTERS[rank - 1]
    image = f"N{spatial}C" if data_format == "channels_last" else f"NC{spatial}"
    return image, f"{spatial}IO", image


def spatial_shape(inputs: Any, data_format: str) -> tuple[int, ...]:
    shape = tuple(inputs.shape)
    return shape[1:-1] if data_format == "channels_last" else shape[2:]


def window(data_format: str, spatial: Sequence[int]) -> tuple[int, ...]:
    """A reduce_window dimension tuple: ``spatial`` on the spatial axes, 1 on batch and channels."""
    return (1, *spatial, 1) if data_format == "channels_last" else (1, 1, *spatial)

