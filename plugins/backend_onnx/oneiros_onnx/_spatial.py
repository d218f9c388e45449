"""Window geometry shared by convolution, pooling and resizing, and the channels-first layout ONNX uses."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from oneiros_onnx._dims import DynamicDim
from oneiros_onnx._graph import Symbol
from oneiros_onnx._values import transpose
from oneiros_onnx.errors import LoweringError

DATA_FORMATS = ("channels_last", "channels_first")
PADDINGS = ("valid", "same")


def check_rank(value: Symbol, what: str) -> int:
    """The number of spatial axes (1-3) of an (N, *spatial, C) input."""
    if not 3 <= value.ndim <= 5:
        raise ValueError(f"{what} needs inputs of ndim 3-5 (batch, 1-3 spatial axes, channels); received shape "
                         f"{value.shape}.")
    return value.ndim - 2


def check_format(data_format: str) -> str:
    if data_format not in DATA_FORMATS:
        raise ValueError(f"data_format must be one of {', '.join(DATA_FORMATS)}; received {data_format!r}.")
    return data_format


def channels_first(value: Symbol, data_format: str) -> Symbol:
    """``value`` as (N, C, *spatial), the layout of ONNX's Conv and pooling ops."""
    if check_format(data_format) == "channels_first":
        return value
    return transpose(value, [0, value.ndim - 1, *range(1, value.ndim - 1)])


def restore_format(value: Symbol, data_format: str) -> Symbol:
    if data_format == "channels_first":
        return value
    return transpose(value, [0, *range(2, value.ndim), 1])


def per_axis(value: Any, rank: int, what: str) -> tuple[int, ...]:
    """An int, or one int per spatial axis, as a tuple of ``rank`` positive ints."""
    items = (value,) * rank if isinstance(value, (int, np.integer)) else tuple(value)
    if len(items) != rank or not all(isinstance(item, (int, np.integer)) and item >= 1 for item in items):
        raise ValueError(f"{what} must be a positive int or {rank} positive ints (one per spatial axis); received "
                         f"{value!r}.")
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


def spatial_sizes(value: Symbol, data_format: str, what: str) -> tuple[int, ...]:
    """The static spatial sizes of a (channels-last or -first) input."""
    sizes = value.shape[2:] if data_format == "channels_first" else value.shape[1:-1]
    if any(isinstance(size, DynamicDim) for size in sizes):
        raise LoweringError(what, "its spatial sizes must be known when the graph is built")
    return tuple(int(size) for size in sizes)
