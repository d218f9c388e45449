"""Affine image warps written in ``oneiros.ops``: gathers with bilinear (or nearest) weights.

A transform is 6 numbers per image, ``[a0, a1, a2, b0, b1, b2]``: the output pixel at column x,
row y takes the input's value at the point (a0 x + a1 y + a2, b0 x + b1 y + b2), in pixel
coordinates (pixel centres at integers). Points that fall outside the image are filled by
``fill_mode``, as in Keras:

- "constant": ``fill_value`` (k k k k | a b c d | k k k k);
- "nearest": the edge pixel (a a a a | a b c d | d d d d);
- "reflect": mirrored about the edge (d c b a | a b c d | d c b a);
- "mirror": mirrored about the edge pixel's centre (d c b | a b c d | c b a);
- "wrap": tiled (a b c d | a b c d | a b c d).
"""

from __future__ import annotations

import math
from typing import Any

from oneiros import ops

FILL_MODES = ("constant", "nearest", "reflect", "mirror", "wrap")
FULL_TURN = 2 * math.pi


def _source_index(index: Any, size: int, fill_mode: str) -> tuple[Any, Any]:
    """(in-range index, validity) for integer pixel indices that may fall outside [0, size)."""
    valid = ops.logical_and(ops.greater_equal(index, 0), ops.less(index, size))
    if fill_mode == "wrap":
        index = ops.mod(index, size)
    elif fill_mode == "reflect":
        folded = ops.mod(index, 2 * size)
        index = ops.where(ops.greater_equal(folded, size), 2 * size - 1 - folded, folded)
    elif fill_mode == "mirror" and size > 1:
        folded = ops.mod(index, 2 * size - 2)
        index = ops.where(ops.greater_equal(folded, size), 2 * size - 2 - folded, folded)
    return ops.clip(index, 0, size - 1), valid


def _sample(flat_images: Any, rows: Any, columns: Any, height: int, width: int, fill_mode: str,
            fill_value: float) -> Any:
    """Pixels at integer (rows, columns) of shape (batch, points), with the fill mode applied."""
    rows, row_valid = _source_index(rows, height, fill_mode)
    columns, column_valid = _source_index(columns, width, fill_mode)
    flat_index = ops.expand_dims(ops.add(ops.multiply(rows, width), columns), -1)
    values = ops.take_along_axis(flat_images, flat_index, axis=1)
    if fill_mode != "constant":
        return values
    inside = ops.expand_dims(ops.logical_and(row_valid, column_valid), -1)
    return ops.where(inside, values, ops.cast(fill_value, ops.dtype(values)))


def pixel_grid(height: int, width: int) -> tuple[Any, Any]:
    """(rows, columns) of every output pixel, each of shape (1, height * width), row-major."""
    rows = ops.reshape(ops.broadcast_to(ops.expand_dims(ops.arange(height, dtype="float32"), 1), (height, width)),
                       (1, height * width))
    columns = ops.reshape(ops.broadcast_to(ops.expand_dims(ops.arange(width, dtype="float32"), 0),
                                           (height, width)), (1, height * width))
    return rows, columns


def warp(images: Any, source_x: Any, source_y: Any, interpolation: str = "bilinear", fill_mode: str = "constant",
         fill_value: float = 0.0, data_format: str = "channels_last") -> Any:
    """``images`` (batch, height, width, channels), or channels-first, resampled at the points
    (``source_x``, ``source_y``), each (batch, height * width) in row-major output order, with
    the module's fill modes; float outputs of the images' dtype."""
    if data_format == "channels_first":
        images = ops.transpose(images, (0, 2, 3, 1))
    batch, height, width, channels = ops.shape(images)
    flat_images = ops.reshape(images, (batch, height * width, channels))
    if interpolation == "nearest":
        nearest_y = ops.cast(ops.floor(ops.add(source_y, 0.5)), "int32")
        nearest_x = ops.cast(ops.floor(ops.add(source_x, 0.5)), "int32")
        warped = _sample(flat_images, nearest_y, nearest_x, height, width, fill_mode, fill_value)
    else:
        floor_y, floor_x = ops.floor(source_y), ops.floor(source_x)
        weight_y = ops.expand_dims(ops.subtract(source_y, floor_y), -1)
        weight_x = ops.expand_dims(ops.subtract(source_x, floor_x), -1)
        top, left = ops.cast(floor_y, "int32"), ops.cast(floor_x, "int32")
        bottom, right = ops.add(top, 1), ops.add(left, 1)
        flat_float = ops.cast(flat_images, "float32")

        def corner(rows_index: Any, columns_index: Any) -> Any:
            return _sample(flat_float, rows_index, columns_index, height, width, fill_mode, fill_value)

        upper = ops.add(ops.multiply(corner(top, left), ops.subtract(1.0, weight_x)),
                        ops.multiply(corner(top, right), weight_x))
        lower = ops.add(ops.multiply(corner(bottom, left), ops.subtract(1.0, weight_x)),
                        ops.multiply(corner(bottom, right), weight_x))
        warped = ops.add(ops.multiply(upper, ops.subtract(1.0, weight_y)), ops.multiply(lower, weight_y))
    warped = ops.cast(ops.reshape(warped, (batch, height, width, channels)), ops.dtype(images))
    if data_format == "channels_first":
        warped = ops.transpose(warped, (0, 3, 1, 2))
    return warped


def affine_transform(images: Any, transforms: Any, interpolation: str = "bilinear", fill_mode: str = "constant",
                     fill_value: float = 0.0, data_format: str = "channels_last") -> Any:
    """``images`` (batch, height, width, channels), or channels-first, warped by ``transforms``
    (batch, 6) as the module docstring describes; float outputs of the images' dtype."""
    shape = tuple(ops.shape(images))
    height, width = (shape[1], shape[2]) if data_format == "channels_last" else (shape[2], shape[3])
    rows, columns = pixel_grid(height, width)
    a0, a1, a2, b0, b1, b2 = ops.split(ops.cast(transforms, "float32"), 6, axis=1)
    source_x = ops.add(ops.add(ops.multiply(a0, columns), ops.multiply(a1, rows)), a2)
    source_y = ops.add(ops.add(ops.multiply(b0, columns), ops.multiply(b1, rows)), b2)
    return warp(images, source_x, source_y, interpolation, fill_mode, fill_value, data_format)


def _centre(height: int, width: int) -> tuple[float, float]:
    return (width - 1) / 2, (height - 1) / 2


def rotation_transforms(angles: Any, height: int, width: int) -> Any:
    """(batch, 6) transforms rotating each image by ``angles`` radians counter-clockwise (as
    displayed, rows downwards) about its centre."""
    centre_x, centre_y = _centre(height, width)
    cos, sin = ops.cos(angles), ops.sin(angles)

    def offset(centre: float, towards_x: Any, towards_y: Any) -> Any:
        return ops.subtract(centre, ops.add(ops.multiply(towards_x, centre_x), ops.multiply(towards_y, centre_y)))

    return ops.stack([cos, ops.negative(sin), offset(centre_x, cos, ops.negative(sin)),
                      sin, cos, offset(centre_y, sin, cos)], axis=1)


def translation_transforms(shift_x: Any, shift_y: Any) -> Any:
    """(batch, 6) transforms moving image content right by ``shift_x`` and down by ``shift_y`` pixels."""
    zeros, ones = ops.zeros_like(shift_x), ops.ones_like(shift_x)
    return ops.stack([ones, zeros, ops.negative(shift_x), zeros, ones, ops.negative(shift_y)], axis=1)


def zoom_transforms(zoom_x: Any, zoom_y: Any, height: int, width: int) -> Any:
    """(batch, 6) transforms sampling ``zoom`` times the area about the centre: zoom > 1 zooms out."""
    centre_x, centre_y = _centre(height, width)
    zeros = ops.zeros_like(zoom_x)
    return ops.stack([zoom_x, zeros, ops.multiply(centre_x, ops.subtract(1.0, zoom_x)),
                      zeros, zoom_y, ops.multiply(centre_y, ops.subtract(1.0, zoom_y))], axis=1)

