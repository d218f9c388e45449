"""Where the spatial and channel axes are, and how convolution and pooling change lengths.

Lengths may be None (unknown until data arrives); every function passes None through.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def channel_axis(data_format: str) -> int:
    return -1 if data_format == "channels_last" else 1


def spatial_axes(data_format: str, rank: int) -> tuple[int, ...]:
    """Positive axes of the spatial dimensions in an input of ndim ``rank + 2``."""
    return tuple(range(1, rank + 1)) if data_format == "channels_last" else tuple(range(2, rank + 2))


def spatial_of(shape: Sequence[int | None], data_format: str) -> tuple[int | None, ...]:
    shape = tuple(shape)
    return shape[1:-1] if data_format == "channels_last" else shape[2:]


def with_layout(batch: int | None, spatial: Sequence[int | None], channels: int | None,
                data_format: str) -> tuple[int | None, ...]:
    """A full shape from its parts, in ``data_format`` order."""
    if data_format == "channels_last":
        return (batch, *spatial, channels)
    return (batch, channels, *spatial)


def dilated(kernel_size: int, dilation: int) -> int:
    return (kernel_size - 1) * dilation + 1


def conv_length(length: int | None, kernel_size: int, stride: int, dilation: int, padding: str) -> int | None:
    """Output length of a convolution; 'same' and 'causal' keep ceil(length / stride)."""
    if length is None:
        return None
    if padding == "valid":
        return (length - dilated(kernel_size, dilation)) // stride + 1
    return (length + stride - 1) // stride


def conv_transpose_length(length: int | None, kernel_size: int, stride: int, dilation: int, padding: str,
                          output_padding: int | None) -> int | None:
    """Output length of a transposed convolution, as Keras computes it."""
    if length is None:
        return None
    kernel = dilated(kernel_size, dilation)
    if output_padding is None:
        return length * stride + (max(kernel - stride, 0) if padding == "valid" else 0)
    edge = kernel // 2 if padding == "same" else 0
    return (length - 1) * stride + kernel - 2 * edge + output_padding


def pool_length(length: int | None, pool_size: int, stride: int, padding: str) -> int | None:
    if length is None:
        return None
    if padding == "valid":
        return (length - pool_size) // stride + 1
    return (length + stride - 1) // stride


def require_positive(owner: str, name: str, input_shape: Sequence[int | None],
                     output_spatial: Sequence[int | None]) -> None:
    """Refuses inputs too small for the window: an output size below 1."""
    if any(size is not None and size < 1 for size in output_spatial):
        raise ValueError(f"{owner} {name!r}: inputs of shape {tuple(input_shape)} are too small for its window; "
                         f"the output's spatial sizes would be {tuple(output_spatial)}, expected sizes >= 1.")


def conv_spatial(layer: Any, input_shape: Sequence[int | None]) -> tuple[int | None, ...]:
    """The output's spatial sizes of a convolution layer (kernel_size, strides, dilation_rate,
    padding, data_format attributes) on ``input_shape``; refuses inputs too small for it."""
    spatial = tuple(
        conv_length(length, size, stride, dilation, layer.padding)
        for length, size, stride, dilation in zip(spatial_of(input_shape, layer.data_format),
                                                  layer.kernel_size, layer.strides, layer.dilation_rate)
    )
    require_positive(type(layer).__name__, layer.name, input_shape, spatial)
    return spatial
