"""RandomSharpness: sharpens or softens images by a random amount."""

from __future__ import annotations

from typing import Any

from oneiros import ops

from oneiros_vision.layers import _color
from oneiros_vision.layers._augment_arguments import UNIT
from oneiros_vision.layers._base_random_color import BaseRandomColorLayer

SIDE, CENTRE = 1 / 13, 5 / 13
"""The 3x3 smoothing kernel: SIDE everywhere except CENTRE in the middle."""


class RandomSharpness(BaseRandomColorLayer):
    """While training, computes ``x + (1 - 2s) * (smooth(x) - x)`` per image, clipped to
    ``value_range``, with s drawn in [0, f] for a number ``factor`` f or in [lower, upper] for a
    pair, within [0, 1]: s = 0.5 keeps the image, 0 gives the smoothed image, 1 sharpens.
    ``smooth`` is a 3x3 kernel with zero padding. Outside training: the identity.

    Example::

        layer = oi.layers.RandomSharpness(0.8, seed=1)
        y = layer(images, training=True)
    """

    factor_bounds = UNIT

    def augment(self, images: Any, seed: Any) -> Any:
        sharpness = self.batch_uniform(images, self.factor[0], self.factor[1], seed)
        weight = _color.per_image(ops.cast(ops.subtract(1.0, ops.multiply(sharpness, 2.0)), ops.dtype(images)))
        ones = ops.ones((3,), dtype="float32")
        # The kernel is a 3x3 box of SIDE plus (CENTRE - SIDE) at its centre.
        box = _color.blur(images, ones, ops.multiply(ones, SIDE), self.data_format)
        smoothed = ops.add(box, ops.multiply(images, CENTRE - SIDE))
        sharpened = ops.add(images, ops.multiply(weight, ops.subtract(smoothed, images)))
        return ops.clip(sharpened, self.value_range[0], self.value_range[1])
