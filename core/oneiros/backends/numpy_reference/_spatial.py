"""Argument checks and window geometry shared by convolution, pooling and resizing.

Spatial ops work channels-last internally: channels-first inputs are transposed on the way in
and the result transposed back on the way out.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from oneiros.backend.geometry import check_format


def check_rank(array: np.ndarray, what: str) -> int:
    """The number of spatial axes (1-3) of an (N, *spatial, C) input."""
    if not 3 <= array.ndim <= 5:
        raise ValueError(
            f"{what} needs inputs of ndim 3-5 (batch, 1-3 spatial axes, channels); "
            f"received shape {array.shape}."
        )
    return array.ndim - 2


def channels_last(array: np.ndarray, data_format: str) -> np.ndarray:
    return np.moveaxis(array, 1, -1) if check_format(data_format) == "channels_first" else array


def restore_format(array: np.ndarray, data_format: str) -> np.ndarray:
    return np.moveaxis(array, -1, 1) if data_format == "channels_first" else array







def window_slice(start: int, count: int, step: int) -> slice:
    """The ``count`` positions start, start + step, ... (count >= 1)."""
    return slice(start, start + (count - 1) * step + 1, step)


def pad_spatial(array: np.ndarray, pads: Sequence[tuple[int, int]], value: Any) -> np.ndarray:
    widths = [(0, 0), *pads, (0, 0)]
    return np.pad(array, widths, mode="constant", constant_values=value)
