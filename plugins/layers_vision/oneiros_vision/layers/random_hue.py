"""RandomHue: turns each image's hues by a random angle."""

from __future__ import annotations

from typing import Any

from oneiros import ops

from oneiros_vision.layers import _color
from oneiros_vision.layers._augment_arguments import UNIT
from oneiros_vision.layers._base_random_color import BaseRandomColorLayer


class RandomHue(BaseRandomColorLayer):
    """While training, adds ``±h / 2`` (a fraction of the colour wheel, sign drawn with
    probability 1/2) to the HSV hue of each RGB image, h drawn per image in [0, f] for a number
    ``factor`` f or in [lower, upper] for a pair, within [0, 1]; the result is clipped to
    ``value_range``. Outside training: the identity.

    Example::

        layer = oi.layers.RandomHue(0.2, value_range=(0, 1), seed=1)
        y = layer(images, training=True)
    """

    factor_bounds = UNIT

    def augment(self, images: Any, seed: Any) -> Any:
        sign_key, size_key = ops.split_seed(seed, 2)
        sign = ops.where(ops.greater(self.batch_uniform(images, 0.0, 1.0, sign_key), 0.5), -1.0, 1.0)
        shift = ops.multiply(ops.multiply(sign, self.batch_uniform(images, self.factor[0], self.factor[1], size_key)),
                             0.5)
        unit = _color.rescale(images, self.value_range, (0.0, 1.0))
        hue, saturation, value = _color.hsv_planes(unit, self.data_format)
        hue = ops.add(hue, _color.per_image(ops.cast(shift, ops.dtype(images)), 3))
        hue = ops.where(ops.greater(hue, 1.0), ops.subtract(hue, 1.0), hue)
        hue = ops.where(ops.less(hue, 0.0), ops.add(hue, 1.0), hue)
        rgb = ops.clip(_color.from_hsv_planes(hue, saturation, value, self.data_format), 0.0, 1.0)
        return _color.rescale(rgb, (0.0, 1.0), self.value_range)
