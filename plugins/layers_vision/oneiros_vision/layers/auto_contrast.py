"""AutoContrast: stretches each image channel over the whole value range."""

from __future__ import annotations

from typing import Any

from oneiros import ops

from oneiros_vision.layers import _color, _images
from oneiros_vision.layers._base_image_preprocessing import BaseImagePreprocessingLayer


class AutoContrast(BaseImagePreprocessingLayer):
    """Maps each image channel's minimum to the low end of ``value_range`` and its maximum to the
    high end, linearly; a constant channel is left as it is. Applied in training and inference.

    Example::

        layer = oi.layers.AutoContrast(value_range=(0, 255))
        y = layer(images)           # every channel now spans [0, 255]
    """

    def augment(self, images: Any, seed: Any) -> Any:
        eight_bit = _color.rescale(images, self.value_range, _color.EIGHT_BIT)
        axes = _images.height_width_axes(self.data_format, 4)
        low = ops.min(eight_bit, axis=axes, keepdims=True)
        high = ops.max(eight_bit, axis=axes, keepdims=True)
        spread = ops.subtract(high, low)
        scale = ops.divide(255.0, ops.where(ops.greater(spread, 0.0), spread, 1.0))
        stretched = ops.clip(ops.multiply(ops.subtract(eight_bit, low), scale), 0.0, 255.0)
        stretched = _color.rescale(stretched, _color.EIGHT_BIT, self.value_range)
        return ops.where(ops.greater(spread, 0.0), stretched, images)
