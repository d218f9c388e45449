"""Layouts and window geometry shared by convolution, pooling and resizing.

MXNet's CPU convolution and pooling kernels take channels-first data (NCW, NCHW, NCDHW):
channels-last inputs are transposed on the way in (unless they are a ChannelsLastView, whose
values are channels-first already) and results come back as views (see ``_layout``). Keras'
'same' padding puts the odd extra element after; MXNet pads symmetrically, so an asymmetric
'same' is padded explicitly first.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
from mxnet import numpy as mnp

from oneiros_mxnet._layout import ChannelsLastView, to_channels_first, to_channels_last
from oneiros_mxnet._tensor import WideIntArray, as_tensor, padded, same_dtype_as, storage

DATA_FORMATS = ("channels_last", "channels_first")
PADDINGS = ("valid", "same")


def check_rank(x: Any, what: str) -> int:
    """The number of spatial axes (1-3) of a batched input."""
    if not 3 <= x.ndim <= 5:
        raise ValueError(
            f"{what} needs inputs of ndim 3-5 (batch, 1-3 spatial axes, channels); "
            f"received shape {tuple(x.shape)}."
        )
    return x.ndim - 2


def check_format(data_format: str) -> str:
    if data_format not in DATA_FORMATS:
        raise ValueError(f"data_format must be one of {', '.join(DATA_FORMATS)}; received {data_format!r}.")
    return data_format


def channels_first_input(inputs: Any, data_format: str) -> mnp.ndarray:
    """A batched input as an MXNet array with channels on axis 1."""
    if check_format(data_format) == "channels_first":
        return as_tensor(inputs)
    if type(inputs) is ChannelsLastView:
        return inputs.channels_first
    x = as_tensor(inputs)
    return same_dtype_as(to_channels_first(storage(x)), x)


def restore_format(result: mnp.ndarray, data_format: str) -> Any:
    """A channels-first result in ``data_format``: channels-last ones as a ChannelsLastView."""
    if data_format == "channels_first":
        return result
    if type(result) is WideIntArray:
        return same_dtype_as(to_channels_last(storage(result)), result)
    return ChannelsLastView.of(result)


def per_axis(value: Any, rank: int, what: str) -> tuple[int, ...]:
    """An int, or one int per spatial axis, as a tuple of ``rank`` positive ints."""
    items = (value,) * rank if isinstance(value, (int, np.integer)) else tuple(value)
    if len(items) != rank or not all(isinstance(item, (int, np.integer)) and item >= 1 for item in items):
        raise ValueError(
            f"{what} must be a positive int or {rank} positive ints (one per spatial axis); received {value!r}."
        )
    return tuple(int(item) for item in items)


def check_padding(padding: str) -> str:
    mode = padding.lower() if isinstance(padding, str) else padding
    if mode not in PADDINGS:
        raise ValueError(f"padding must be 'valid' or 'same'; received {padding!r}.")
    return mode


def effective_size(kernel: int, dilation: int) -> int:
    return (kernel - 1) * dilation + 1


def same_padding(size: int, window: int, stride: int) -> tuple[int, int]:
    """(before, after) of Keras' 'same': ceil(size / stride) outputs, the extra one after."""
    total = max((math.ceil(size / stride) - 1) * stride + window - size, 0)
    return total // 2, total - total // 2


def paddings(spatial: Sequence[int], windows: Sequence[int], strides: Sequence[int],
             padding: str) -> list[tuple[int, int]]:
    if padding == "valid":
        return [(0, 0)] * len(spatial)
    return [same_padding(size, window, stride) for size, window, stride in zip(spatial, windows, strides)]


def split_padding(pads: Sequence[tuple[int, int]]) -> tuple[tuple[int, ...], list[tuple[int, int]] | None]:
    """The symmetric part MXNet's kernel pads itself, and the explicit padding of the rest.

    Returns (kernel pad per axis, None) when every axis is symmetric, else ((0, ...), pads).
    """
    if all(before == after for before, after in pads):
        return tuple(before for before, _ in pads), None
    return (0,) * len(pads), list(pads)


def pad_spatial_first(x: Any, pads: Sequence[tuple[int, int]], value: float) -> Any:
    """A channels-first ``x`` padded on its spatial axes with ``value``."""
    return padded(x, [(0, 0), (0, 0), *pads], value)
