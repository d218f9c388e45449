"""RandomSaturation: scales each image's colour saturation."""

from __future__ import annotations

from typing import Any

from oneiros import ops

from oneiros_vision.layers import _color
from oneiros_vision.layers._base_random_color import BaseRandomColorLayer

EPSILON = 1e-7


class RandomSaturation(BaseRandomColorLayer):
    """While training, multiplies the HSV saturation of each RGB image by ``s / (1 - s)``, s drawn
    per image in [-f, f] for a number ``factor`` f or in [lower, upper] for a pair (within
    [-1, 1]): s = 0.5 keeps the image, 0 makes it grey, 1 saturates it fully. The saturation is
    clipped to [0, 1] (Keras clips it to ``value_range``, so with (0, 255) an over-saturated
    image leaves the range; within [0, 1] both agree): ``value_range`` is accepted as in Keras but
    not needed. Outside training: the identity.

    Example::

        layer = oi.layers.RandomSaturation((0.2, 0.8), seed=1)
        y = layer(images, training=True)
    """

    def augment(self, images: Any, seed: Any) -> Any:
        drawn = self.batch_uniform(images, self.factor[0], self.factor[1], seed)
        scale = _color.per_image(ops.cast(ops.divide(drawn, ops.add(ops.subtract(1.0, drawn), EPSILON)),
                                          ops.dtype(images)), 3)
        hue, saturation, value = _color.hsv_planes(images, self.data_format)
        saturation = ops.clip(ops.multiply(saturation, scale), 0.0, 1.0)
        return _color.from_hsv_planes(hue, saturation, value, self.data_format)
