"""RandomBrightness: adds a random offset to each image while training."""

from __future__ import annotations

from typing import Any

from oneiros import ops

from oneiros_vision.layers import _arguments
from oneiros_vision.layers._base_random_image import BaseRandomImageLayer


class RandomBrightness(BaseRandomImageLayer):
    """While training, adds ``delta * (high - low)`` to every pixel of an image, one delta per
    image drawn in [-f, f] for a number ``factor`` f or in [lower, upper] for a pair (within
    [-1, 1]); the result is clipped to ``value_range`` (low, high). Outside training: the identity.

    Example::

        layer = oi.layers.RandomBrightness(0.2, value_range=(0, 1), seed=1)
        y = layer(images, training=True)
    """

    def __init__(self, factor: Any, value_range: Any = (0, 255), seed: int | None = None,
                 data_format: str | None = None, **kwargs: Any):
        owner = type(self).__name__
        factor = _arguments.factor_range(owner, "factor", factor)
        value_range = _arguments.value_range(owner, value_range)
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = factor
        self.value_range = value_range

    def augment(self, images: Any, seed: Any) -> Any:
        low, high = self.value_range
        delta = self.batch_uniform(images, self.factor[0] * (high - low), self.factor[1] * (high - low), seed)
        brightened = ops.add(images, ops.cast(ops.reshape(delta, (-1, 1, 1, 1)), ops.dtype(images)))
        return ops.clip(brightened, low, high)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "factor": list(self.factor), "value_range": list(self.value_range)}
