"""Argument checks and window geometry shared by convolution, pooling and resizing.

Spatial ops work channels-last internally: channels-first inputs are transposed on the way in
and the result transposed back on the way out.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

DATA_FORMATS = ("channels_last", "channels_first")
PADDINGS = ("valid", "same")


def check_rank(array: np.ndarray, what: str) -> int:
    """The number of spatial axes (1-3) of an (N, *spatial, C) input."""
    if not 3 <= array.ndim <= 5:
        raise ValueError(
            f"{what} needs inputs of ndim 3-5 (batch, 1-3 spatial axes, channels); "
            f"received shape {array.shape}."
        )
    return array.ndim - 2


def channels_last(array: np.ndarray, data_format: str) -> np.ndarray:
    if data_format not in DATA_FORMATS:
        raise ValueError(
            f"data_format must be one of {', '.join(DATA_FORMATS)}; received {data_format!r}."
        )
    return np.moveaxis(array, 1, -1) if data_format == "channels_first" else array


def restore_format(array: np.ndarray, data_format: str) -> np.ndarray:
    return np.moveaxis(array, -1, 1) if data_format == "channels_first" else array


def per_axis(value: Any, rank: int, what: str) -> tuple[int, ...]:
    """An int, or one int per spatial axis, as a tuple of ``rank`` positive ints."""
    items = (value,) * rank if isinstance(value, (int, np.integer)) else tuple(value)
    if len(items) != rank or not all(
        isinstance(item, (int, np.integer)) and item >= 1 for item in items
    ):
        raise ValueError(
            f"{what} must be a positive int or {rank} positive ints (one per spatial axis); "
            f"received {value!r}."
        )
    return tuple(int(item) for item in items)


def check_padding(padding: str) -> str:
    mode = padding.lower() if isinstance(padding, str) else padding
    if mode not in PADDINGS:
        raise ValueError(f"padding must be 'valid' or 'same'; received {padding!r}.")
    return mode


def effective_size(kernel: int, dilation: int) -> int:
    return (kernel - 1) * dilation + 1


def padding_amounts(size: int, window: int, stride: int, padding: str) -> tuple[int, int]:
    """(before, after) padding of one axis; 'same' follows TF/Keras (the extra one after)."""
    if padding == "valid":
        return 0, 0
    total = max((math.ceil(size / stride) - 1) * stride + window - size, 0)
    return total // 2, total - total // 2


def output_size(padded: int, window: int, stride: int) -> int:
    return (padded - window) // stride + 1 if padded >= window else 0


def window_slice(start: int, count: int, step: int) -> slice:
    """The ``count`` positions start, start + step, ... (count >= 1)."""
    return slice(start, start + (count - 1) * step + 1, step)


def pad_spatial(array: np.ndarray, pads: Sequence[tuple[int, int]], value: Any) -> np.ndarray:
    widths = [(0, 0), *pads, (0, 0)]
    return np.pad(array, widths, mode="constant", constant_values=value)
