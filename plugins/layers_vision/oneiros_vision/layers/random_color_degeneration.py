"""RandomColorDegeneration: blends images towards their grey version."""

from __future__ import annotations

from typing import Any

from oneiros import ops

from oneiros_vision.layers import _color
from oneiros_vision.layers._base_random_color import BaseRandomColorLayer


class RandomColorDegeneration(BaseRandomColorLayer):
    """While training, computes ``x + d * (grey(x) - x)`` per image, clipped to ``value_range``,
    with d drawn per image in [-f, f] for a number ``factor`` f or in [lower, upper] for a pair
    (within [-1, 1]; negative d saturates the colours). RGB images. Outside training: the identity.

    Example::

        layer = oi.layers.RandomColorDegeneration(0.5, seed=1)
        y = layer(images, training=True)
    """

    def augment(self, images: Any, seed: Any) -> Any:
        degree = _color.per_image(ops.cast(self.batch_uniform(images, self.factor[0], self.factor[1], seed),
                                           ops.dtype(images)))
        blended = ops.add(images, ops.multiply(degree, ops.subtract(_color.grayscale(images, self.data_format), images)))
        return ops.clip(blended, self.value_range[0], self.value_range[1])
