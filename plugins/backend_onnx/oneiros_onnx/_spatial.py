"""Window geometry shared by convolution, pooling and resizing, and the channels-first layout ONNX uses."""

from __future__ import annotations

from oneiros.backend.geometry import check_format

from oneiros_onnx._dims import DynamicDim
from oneiros_onnx._graph import Symbol
from oneiros_onnx._values import transpose
from oneiros_onnx.errors import LoweringError


def check_rank(value: Symbol, what: str) -> int:
    """The number of spatial axes (1-3) of an (N, *spatial, C) input."""
    if not 3 <= value.ndim <= 5:
        raise ValueError(f"{what} needs inputs of ndim 3-5 (batch, 1-3 spatial axes, channels); received shape "
                         f"{value.shape}.")
    return value.ndim - 2



def channels_first(value: Symbol, data_format: str) -> Symbol:
    """``value`` as (N, C, *spatial), the layout of ONNX's Conv and pooling ops."""
    if check_format(data_format) == "channels_first":
        return value
    return transpose(value, [0, value.ndim - 1, *range(1, value.ndim - 1)])


def restore_format(value: Symbol, data_format: str) -> Symbol:
    if data_format == "channels_first":
        return value
    return transpose(value, [0, *range(2, value.ndim), 1])







def spatial_sizes(value: Symbol, data_format: str, what: str) -> tuple[int, ...]:
    """The static spatial sizes of a (channels-last or -first) input."""
    sizes = value.shape[2:] if data_format == "channels_first" else value.shape[1:-1]
    if any(isinstance(size, DynamicDim) for size in sizes):
        raise LoweringError(what, "its spatial sizes must be known when the graph is built")
    return tuple(int(size) for size in sizes)
