"""RandomInvert: inverts the colours of randomly chosen images."""

from __future__ import annotations

from typing import Any

from oneiros import ops

from oneiros_vision.layers import _color
from oneiros_vision.layers._augment_arguments import UNIT
from oneiros_vision.layers._base_random_color import BaseRandomColorLayer


class RandomInvert(BaseRandomColorLayer):
    """While training, replaces each chosen image x by ``low + high - x`` (``value_range`` =
    (low, high)). An image is chosen with a probability drawn per image in [0, f] for a number
    ``factor`` f, or in [lower, upper] for a pair, within [0, 1]: ``factor=(1, 1)`` inverts every
    image, the default 1.0 half of them on average. Outside training: the identity.

    Keras computes ``high - x``, which leaves the range when low != 0; for (0, high) both agree.

    Example::

        layer = oi.layers.RandomInvert(factor=0.5, seed=1)
        y = layer(images, training=True)
    """

    factor_bounds = UNIT

    def __init__(self, factor: Any = 1.0, value_range: Any = (0, 255), seed: int | None = None,
                 data_format: str | None = None, **kwargs: Any):
        super().__init__(factor, value_range=value_range, data_format=data_format, seed=seed, **kwargs)

    def augment(self, images: Any, seed: Any) -> Any:
        chosen = _color.per_image(self.batch_chance(images, self.factor, seed))
        return ops.where(chosen, ops.subtract(self.value_range[0] + self.value_range[1], images), images)
