"""Solarization: inverts the pixels above a threshold."""

from __future__ import annotations

from typing import Any

from oneiros import ops

from oneiros_vision.layers import _arguments, _color
from oneiros_vision.layers._augment_arguments import bounded_range
from oneiros_vision.layers._base_random_image import BaseRandomImageLayer


class Solarization(BaseRandomImageLayer):
    """While training, adds ``addition * 255`` to every pixel (on the 0-255 scale of
    ``value_range``, clipped), then inverts (``255 - x``) the pixels at or above
    ``threshold * 255``. ``addition_factor`` and ``threshold_factor`` are numbers f, drawn per
    image in [0, f], or (lower, upper) pairs, within [0, 1]. With the defaults (0, 0) every pixel
    is inverted. Outside training: the identity.

    Keras draws in [lower, upper * 255] for a pair (the lower bound left unscaled); here both
    bounds are scaled, so a pair means what the documentation says. A single number is the same
    in both.

    Example::

        layer = oi.layers.Solarization(threshold_factor=0.5, value_range=(0, 1), seed=1)
        y = layer(images, training=True)
    """

    def __init__(self, addition_factor: Any = 0.0, threshold_factor: Any = 0.0, value_range: Any = (0, 255),
                 seed: int | None = None, data_format: str | None = None, **kwargs: Any):
        owner = type(self).__name__
        addition_factor = bounded_range(owner, "addition_factor", addition_factor)
        threshold_factor = bounded_range(owner, "threshold_factor", threshold_factor)
        value_range = _arguments.value_range(owner, value_range)
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.addition_factor = addition_factor
        self.threshold_factor = threshold_factor
        self.value_range = value_range

    def augment(self, images: Any, seed: Any) -> Any:
        addition_key, threshold_key = ops.split_seed(seed, 2)
        additions = self.batch_uniform(images, self.addition_factor[0] * 255, self.addition_factor[1] * 255,
                                       addition_key)
        thresholds = self.batch_uniform(images, self.threshold_factor[0] * 255, self.threshold_factor[1] * 255,
                                        threshold_key)
        eight_bit = _color.rescale(images, self.value_range, _color.EIGHT_BIT)
        shifted = ops.clip(ops.add(eight_bit, _color.per_image(ops.cast(additions, ops.dtype(images)))), 0.0, 255.0)
        solarized = ops.where(ops.less(shifted, _color.per_image(ops.cast(thresholds, ops.dtype(images)))), shifted,
                              ops.subtract(255.0, shifted))
        return ops.cast(_color.rescale(solarized, _color.EIGHT_BIT, self.value_range), ops.dtype(images))

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "addition_factor": list(self.addition_factor),
                "threshold_factor": list(self.threshold_factor), "value_range": list(self.value_range)}
