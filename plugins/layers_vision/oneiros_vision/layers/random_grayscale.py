"""RandomGrayscale: turns randomly chosen images grey."""

from __future__ import annotations

from typing import Any

from oneiros import ops

from oneiros_vision.layers import _color
from oneiros_vision.layers._augment_arguments import probability
from oneiros_vision.layers._base_random_image import BaseRandomImageLayer


class RandomGrayscale(BaseRandomImageLayer):
    """While training, replaces each image, with probability ``factor``, by its luma
    (0.2989 R + 0.5870 G + 0.1140 B) in every channel; the shape is kept. Outside training: the
    identity.

    Example::

        layer = oi.layers.RandomGrayscale(factor=0.2, seed=1)
        y = layer(images, training=True)
    """

    def __init__(self, factor: float = 0.5, data_format: str | None = None, seed: int | None = None, **kwargs: Any):
        factor = probability(type(self).__name__, "factor", factor)
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = factor

    def augment(self, images: Any, seed: Any) -> Any:
        chosen = _color.per_image(ops.less(self.batch_uniform(images, 0.0, 1.0, seed), self.factor))
        grey = ops.broadcast_to(_color.grayscale(images, self.data_format), ops.shape(images))
        return ops.where(chosen, grey, images)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "factor": self.factor}
