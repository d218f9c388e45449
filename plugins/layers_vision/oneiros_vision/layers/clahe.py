"""ContrastLimitedAdaptiveHistogramEqualization (CLAHE): equalization per tile, with clipped
histograms, blended bilinearly between tiles."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from oneiros import arguments, ops

from oneiros_vision.layers import _color
from oneiros_vision.layers._augment_arguments import non_negative_real
from oneiros_vision.layers._base_image_preprocessing import BaseImagePreprocessingLayer

LEVELS = 256


def _symmetric_pad(images: Any, axis: int, amount: int) -> Any:
    """``images`` extended by ``amount`` entries at the end of ``axis``, mirrored (numpy's
    "symmetric" mode), however small the axis."""
    while amount > 0:
        length = ops.shape(images)[axis]
        step = min(amount, length)
        starts = [0] * len(ops.shape(images))
        starts[axis] = length - step
        sizes = list(ops.shape(images))
        sizes[axis] = step
        images = ops.concatenate([images, ops.flip(ops.slice(images, tuple(starts), tuple(sizes)), axis=axis)],
                                 axis=axis)
        amount -= step
    return images


def _tile_weights(tiles: int, tile: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per padded position: the indices of the two neighbouring tile centres among the tiles
    extended by one on each side, and the weight of the second."""
    position = (np.arange(tile * tiles, dtype=np.float32) - tile / 2.0) / tile + 1.0
    first = np.floor(position)
    weight = position - first
    return (np.clip(first, 0, tiles + 1).astype(np.int32), np.clip(first + 1, 0, tiles + 1).astype(np.int32),
            weight.astype(np.float32))


class ContrastLimitedAdaptiveHistogramEqualization(BaseImagePreprocessingLayer):
    """Equalizes each of ``tile_grid_size`` tiles of every image channel with its own histogram,
    clipped at ``clip_limit`` times the mean bin count (the excess spread over all bins; 0: no
    clipping), and
    blends the four nearest tiles' mappings bilinearly. Applied in training and inference.

    Images whose size is not a multiple of the grid are mirrored at the bottom/right edge to fill
    the last tiles, as Keras does.

    Example::

        layer = oi.layers.ContrastLimitedAdaptiveHistogramEqualization(clip_limit=2.0, tile_grid_size=(4, 4))
        y = layer(images)
    """

    def __init__(self, value_range: Any = (0, 255), clip_limit: float = 4.0, tile_grid_size: Any = (8, 8),
                 data_format: str | None = None, **kwargs: Any):
        owner = type(self).__name__
        clip_limit = non_negative_real(owner, "clip_limit", clip_limit)
        tile_grid_size = arguments.int_tuple(owner, "tile_grid_size", tile_grid_size, 2)
        super().__init__(value_range=value_range, data_format=data_format, **kwargs)
        self.clip_limit = clip_limit
        self.tile_grid_size = tile_grid_size

    def augment(self, images: Any, seed: Any) -> Any:
        nhwc = images if self.data_format == "channels_last" else ops.transpose(images, (0, 2, 3, 1))
        equalized = self._equalize(_color.rescale(nhwc, self.value_range, _color.EIGHT_BIT))
        equalized = ops.cast(_color.rescale(equalized, _color.EIGHT_BIT, self.value_range), ops.dtype(images))
        return equalized if self.data_format == "channels_last" else ops.transpose(equalized, (0, 3, 1, 2))

    def _equalize(self, images: Any) -> Any:
        batch, height, width, channels = ops.shape(images)
        grid_h, grid_w = self.tile_grid_size
        tile_h, tile_w = math.ceil(height / grid_h), math.ceil(width / grid_w)
        padded = _symmetric_pad(_symmetric_pad(images, 1, tile_h * grid_h - height), 2, tile_w * grid_w - width)
        levels = ops.clip(ops.cast(padded, "int32"), 0, LEVELS - 1)

        tiles = ops.transpose(ops.reshape(levels, (batch, grid_h, tile_h, grid_w, tile_w, channels)),
                              (0, 1, 3, 5, 2, 4))
        counts = _color.channel_histograms(ops.reshape(tiles, (-1, tile_h * tile_w)), LEVELS)
        if self.clip_limit > 0:
            clipped = ops.clip(counts, 0.0, self.clip_limit * tile_h * tile_w / LEVELS)
            excess = ops.sum(ops.subtract(counts, clipped), axis=1, keepdims=True)
            counts = ops.add(clipped, ops.divide(excess, LEVELS))
        cumulative = ops.cumsum(counts, axis=1)
        lowest = ops.min(cumulative, axis=1, keepdims=True)
        denominator = ops.subtract(float(tile_h * tile_w), lowest)
        denominator = ops.where(ops.equal(denominator, 0.0), 1.0, denominator)
        tables = ops.clip(ops.divide(ops.multiply(ops.subtract(cumulative, lowest), 255.0), denominator), 0.0, 255.0)
        # Tables of the tiles, repeated once beyond each border: (batch, grid_h + 2, grid_w + 2, channels, levels).
        tables = ops.pad(ops.reshape(tables, (batch, grid_h, grid_w, channels, LEVELS)),
                         ((0, 0), (1, 1), (1, 1), (0, 0), (0, 0)), mode="symmetric")
        flat_tables = ops.reshape(tables, (-1,))

        top, bottom, weight_y = _tile_weights(grid_h, tile_h)
        left, right, weight_x = _tile_weights(grid_w, tile_w)
        stride_x = LEVELS * channels
        stride_y = stride_x * (grid_w + 2)
        image_offsets = ops.reshape(ops.arange(0, batch * stride_y * (grid_h + 2), stride_y * (grid_h + 2),
                                               dtype="int32"), (-1, 1, 1, 1))
        channel_offsets = ops.reshape(ops.arange(0, channels * LEVELS, LEVELS, dtype="int32"), (1, 1, 1, -1))
        base = ops.add(ops.add(image_offsets, channel_offsets), levels)

        def table_value(rows: np.ndarray, columns: np.ndarray) -> Any:
            offset = rows.reshape(1, -1, 1, 1) * stride_y + columns.reshape(1, 1, -1, 1) * stride_x
            return ops.take(flat_tables, ops.add(base, ops.convert_to_tensor(offset, "int32")))

        weight_x = ops.convert_to_tensor(weight_x.reshape(1, 1, -1, 1))
        weight_y = ops.convert_to_tensor(weight_y.reshape(1, -1, 1, 1))
        upper = ops.add(ops.multiply(table_value(top, left), ops.subtract(1.0, weight_x)),
                        ops.multiply(table_value(top, right), weight_x))
        lower = ops.add(ops.multiply(table_value(bottom, left), ops.subtract(1.0, weight_x)),
                        ops.multiply(table_value(bottom, right), weight_x))
        blended = ops.add(ops.multiply(upper, ops.subtract(1.0, weight_y)), ops.multiply(lower, weight_y))
        return ops.slice(blended, (0, 0, 0, 0), (batch, height, width, channels))

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "clip_limit": self.clip_limit, "tile_grid_size": list(self.tile_grid_size)}
