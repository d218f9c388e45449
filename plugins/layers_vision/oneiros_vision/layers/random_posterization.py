"""RandomPosterization: keeps only the high bits of each 8-bit pixel value."""

from __future__ import annotations

from typing import Any

from oneiros import ops

from oneiros_vision.layers import _color
from oneiros_vision.layers._base_random_color import BaseRandomColorLayer

class RandomPosterization(BaseRandomColorLayer):
    """While training, keeps the ``b`` highest bits of every pixel on the 0-255 scale of
    ``value_range`` (its lower bits set to 0). ``factor``, in [1, 8], is Keras's: a number f
    draws b per image among 1..f-1 (f = 1: always 1), a pair (lower, upper) among lower..upper-1,
    and a pair of equal numbers fixes b. Outside training: the identity.

    Example::

        layer = oi.layers.RandomPosterization(factor=(4, 4), value_range=(0, 1))
        y = layer(images, training=True)      # 16 levels per channel
    """

    factor_bounds = (1, 8)

    def augment(self, images: Any, seed: Any) -> Any:
        batch = ops.shape(images)[0]
        fewest, most = (int(bound) for bound in self.factor)
        if fewest == most:
            bits = ops.full((batch,), fewest, dtype="float32")
        else:
            bits = ops.cast(ops.randint((batch,), fewest, most, seed=seed), "float32")
        step = _color.per_image(ops.power(2.0, ops.subtract(8.0, bits)))
        levels = ops.floor(ops.clip(_color.rescale(images, self.value_range, _color.EIGHT_BIT), 0.0, 255.0))
        posterized = ops.multiply(ops.floor(ops.divide(levels, ops.cast(step, ops.dtype(levels)))),
                                  ops.cast(step, ops.dtype(levels)))
        return ops.cast(_color.rescale(posterized, _color.EIGHT_BIT, self.value_range), ops.dtype(images))
