"""Window geometry for convolution and pooling, the same on every backend (pure Python).

Backend authors call these so that argument checks, Keras's 'same' padding and output sizes
agree across engines.
"""

from __future__ import annotations

import math
import numbers
from typing import Any

DATA_FORMATS = ("channels_last", "channels_first")
PADDINGS = ("valid", "same")


def check_format(data_format: str) -> str:
    if data_format not in DATA_FORMATS:
        raise ValueError(f"data_format must be one of {', '.join(DATA_FORMATS)}; received {data_format!r}.")
    return data_format


def output_padding(value: Any, rank: int) -> tuple[int | None, ...]:
    """``conv_transpose``'s ``output_padding``: None (per axis too: the shape 'same'/'valid' give),
    or a non-negative int, or ``rank`` of them, as a tuple of ``rank`` entries."""
    items = (value,) * rank if value is None or isinstance(value, numbers.Integral) else tuple(value)
    if len(items) != rank or not all(item is None or (isinstance(item, numbers.Integral) and not isinstance(item, bool)
                                                      and item >= 0) for item in items):
        raise ValueError(f"conv_transpose: output_padding must be None, a non-negative int or {rank} of them; "
                         f"received {value!r}.")
    return tuple(None if item is None else int(item) for item in items)


def per_axis(value: Any, rank: int, what: str) -> tuple[int, ...]:
    """An int, or one int per spatial axis, as a tuple of ``rank`` positive ints."""
    items = (value,) * rank if isinstance(value, numbers.Integral) else tuple(value)
    if len(items) != rank or not all(isinstance(item, numbers.Integral) and item >= 1 for item in items):
        raise ValueError(f"{what} must be a positive int or {rank} positive ints (one per spatial axis); received "
                         f"{value!r}.")
    return tuple(int(item) for item in items)


def check_padding(padding: str) -> str:
    mode = padding.lower() if isinstance(padding, str) else padding
    if mode not in PADDINGS:
        raise ValueError(f"padding must be 'valid' or 'same'; received {padding!r}.")
    return mode


def effective_size(kernel: int, dilation: int) -> int:
    """The extent of a dilated kernel."""
    return (kernel - 1) * dilation + 1


def padding_amounts(size: int, window: int, stride: int, padding: str) -> tuple[int, int]:
    """(before, after) padding of one axis; 'same' follows TF/Keras (ceil(size / stride) outputs,
    the odd extra element after)."""
    if padding == "valid":
        return 0, 0
    total = max((math.ceil(size / stride) - 1) * stride + window - size, 0)
    return total // 2, total - total // 2


def transpose_padding(window: int, stride: int, padding: str, extra: int | None) -> tuple[int, int]:
    """Keras Conv*Transpose padding of the stride-dilated input, (before, after), for one axis.

    'valid' gives (n - 1) * stride + max(window, stride) outputs, 'same' gives n * stride;
    ``extra`` (output_padding) sets how many outputs follow the last full window instead.
    """
    if padding == "valid":
        if extra is None:
            extra = max(window, stride) - window
        return window - 1, window - 1 + extra
    total = stride + window - 2 if extra is None else window + window % 2 - 2 + extra
    before = min(total // 2 + total % 2, window - 1)
    return before, total - before


def output_size(padded: int, window: int, stride: int) -> int:
    """Windows that fit in an axis of ``padded`` elements (0 when none does)."""
    return (padded - window) // stride + 1 if padded >= window else 0
