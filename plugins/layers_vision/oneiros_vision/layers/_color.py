"""Colour arithmetic the colour augmentation layers share, written in ``oneiros.ops``.

Images are batches ``(batch, height, width, channels)`` or channels-first; the formulas are
Keras 3's: grey and HSV from ``ops.image``, a Gaussian kernel whose sigma may be a tensor (a
random draw), and histogram equalization with a lookup table per channel.
"""

from __future__ import annotations

from typing import Any

from oneiros import ops

EIGHT_BIT = (0.0, 255.0)


def channel_axis(data_format: str, ndim: int = 4) -> int:
    return ndim - 1 if data_format == "channels_last" else ndim - 3


def rescale(images: Any, source: tuple[float, float], target: tuple[float, float]) -> Any:
    """Values mapped linearly from the ``source`` range onto the ``target`` range."""
    if tuple(source) == tuple(target):
        return images
    scale = (target[1] - target[0]) / (source[1] - source[0])
    return ops.add(ops.multiply(ops.subtract(images, source[0]), scale), target[0])


def per_image(values: Any, ndim: int = 4) -> Any:
    """A (batch,) tensor shaped to broadcast against a batch of images."""
    return ops.reshape(values, (-1,) + (1,) * (ndim - 1))


def grayscale(images: Any, data_format: str) -> Any:
    """Luma of RGB images, one channel (one-channel images are returned as they are)."""
    return ops.image.rgb_to_grayscale(images, data_format=data_format)


def hsv_planes(images: Any, data_format: str) -> list[Any]:
    """The (hue, saturation, value) planes of RGB images, each without its channel axis."""
    axis = channel_axis(data_format, len(ops.shape(images)))
    hsv = ops.image.rgb_to_hsv(images, data_format=data_format)
    return [ops.squeeze(plane, axis) for plane in ops.split(hsv, 3, axis=axis)]


def from_hsv_planes(hue: Any, saturation: Any, value: Any, data_format: str) -> Any:
    """RGB images from (hue, saturation, value) planes."""
    axis = channel_axis(data_format, len(ops.shape(hue)) + 1)
    return ops.image.hsv_to_rgb(ops.stack([hue, saturation, value], axis=axis), data_format=data_format)


def gaussian_kernel(size: int, sigma: Any) -> Any:
    """A normalised 1-D Gaussian of ``size`` taps (odd), ``sigma`` a scalar tensor."""
    offsets = ops.subtract(ops.arange(size, dtype="float32"), (size - 1) / 2)
    kernel = ops.exp(ops.multiply(-0.5, ops.square(ops.divide(offsets, sigma))))
    return ops.divide(kernel, ops.sum(kernel))


def blur(images: Any, row_kernel: Any, column_kernel: Any, data_format: str) -> Any:
    """Each channel convolved with ``outer(row_kernel, column_kernel)``, zero 'same' padding."""
    channels = ops.shape(images)[channel_axis(data_format)]
    kernel = ops.multiply(ops.expand_dims(row_kernel, 1), ops.expand_dims(column_kernel, 0))
    kernel = ops.tile(ops.expand_dims(ops.expand_dims(kernel, -1), -1), (1, 1, channels, 1))
    return ops.depthwise_conv(images, ops.cast(kernel, ops.dtype(images)), padding="same", data_format=data_format)


def channel_histograms(indices: Any, bins: int) -> Any:
    """Counts of ``indices`` (groups, pixels) in [0, bins): shape (groups, bins), as floats."""
    groups, pixels = ops.shape(indices)
    offsets = ops.expand_dims(ops.multiply(ops.arange(groups, dtype="int32"), bins), 1)
    segment_ids = ops.reshape(ops.add(indices, offsets), (groups * pixels,))
    counts = ops.segment_sum(ops.ones((groups * pixels,), dtype="float32"), segment_ids, groups * bins)
    return ops.reshape(counts, (groups, bins))


def lookup(tables: Any, indices: Any) -> Any:
    """``tables[g, indices[g, p]]`` for tables (groups, bins) and indices (groups, pixels)."""
    return ops.take_along_axis(tables, indices, axis=1)


def equalize(channels: Any, bins: int) -> Any:
    """Histogram equalization of each row of ``channels`` (groups, pixels), values in [0, 255].

    Keras's table: the cumulative histogram minus its first non-zero count, scaled to [0, 255]
    and rounded; a channel holding fewer than two distinct bins is left as it is.
    """
    histogram_index = ops.clip(ops.cast(ops.multiply(channels, (bins - 1) / 255.0), "int32"), 0, bins - 1)
    counts = channel_histograms(histogram_index, bins)
    cumulative = ops.cumsum(counts, axis=1)
    first = ops.min(ops.where(ops.greater(cumulative, 0.0), cumulative, float("inf")), axis=1, keepdims=True)
    groups = ops.shape(channels)[0]
    spread = ops.subtract(ops.slice(cumulative, (0, bins - 1), (groups, 1)), first)
    spread = ops.where(ops.equal(spread, 0.0), 1.0, spread)
    table = ops.clip(ops.round(ops.divide(ops.multiply(ops.subtract(cumulative, first), 255.0), spread)), 0.0, 255.0)
    lookup_index = ops.cast(ops.clip(ops.multiply(ops.divide(channels, 255.0), bins - 1), 0, bins - 1), "int32")
    equalized = lookup(table, lookup_index)
    distinct = ops.sum(ops.cast(ops.greater(counts, 0.0), "int32"), axis=1, keepdims=True)
    return ops.where(ops.less_equal(distinct, 1), channels, equalized)
