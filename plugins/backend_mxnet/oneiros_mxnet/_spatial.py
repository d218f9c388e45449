"""Layouts and window geometry shared by convolution, pooling and resizing.

MXNet's CPU convolution and pooling kernels take channels-first data (NCW, NCHW, NCDHW):
channels-last inputs are transposed on the way in (unless they are a ChannelsLastView, whose
values are channels-first already) and results come back as views (see ``_layout``). Keras'
'same' padding puts the odd extra element after; MXNet pads symmetrically, so an asymmetric
'same' is padded explicitly first.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from mxnet import numpy as mnp
from oneiros.backend.geometry import check_format, padding_amounts

from oneiros_mxnet._layout import ChannelsLastView, to_channels_first, to_channels_last
from oneiros_mxnet._tensor import WideIntArray, as_tensor, padded, same_dtype_as, storage


def check_rank(x: Any, what: str) -> int:
    """The number of spatial axes (1-3) of a batched input."""
    if not 3 <= x.ndim <= 5:
        raise ValueError(
            f"{what} needs inputs of ndim 3-5 (batch, 1-3 spatial axes, channels); "
            f"received shape {tuple(x.shape)}."
        )
    return x.ndim - 2



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






def paddings(spatial: Sequence[int], windows: Sequence[int], strides: Sequence[int],
             padding: str) -> list[tuple[int, int]]:
    return [padding_amounts(size, window, stride, padding) for size, window, stride in zip(spatial, windows, strides)]


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
