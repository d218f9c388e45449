"""MixUp: blends each image (and its label) with another image of the batch."""

from __future__ import annotations

from typing import Any

from oneiros import ops

from oneiros_vision.layers import _color
from oneiros_vision.layers._augment_arguments import positive_real
from oneiros_vision.layers._base_mixing import BaseMixingLayer, beta_weights


class MixUp(BaseMixingLayer):
    """While training, replaces image i by ``w x_i + (1 - w) x_p(i)`` and its label likewise,
    with p a random permutation of the batch and w drawn per image from Beta(``alpha``,
    ``alpha``) (Zhang et al., 2018). Pass ``{"images": x, "labels": y}`` to mix the labels too.
    Outside training: the identity.

    Example::

        layer = oi.layers.MixUp(alpha=0.2, seed=1)
        mixed = layer({"images": images, "labels": one_hot_labels}, training=True)
    """

    def __init__(self, alpha: float = 0.2, data_format: str | None = None, seed: int | None = None, **kwargs: Any):
        alpha = positive_real(type(self).__name__, "alpha", alpha)
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.alpha = alpha

    def mix(self, images: Any, seed: Any) -> tuple[Any, Any, Any]:
        order_key, weight_key = ops.split_seed(seed, 2)
        batch = ops.shape(images)[0]
        partners = ops.shuffle(ops.arange(batch, dtype="int32"), seed=order_key)
        weights = beta_weights(batch, self.alpha, seed=weight_key)
        own = _color.per_image(ops.cast(weights, ops.dtype(images)))
        mixed = ops.add(ops.multiply(own, images), ops.multiply(ops.subtract(1.0, own), ops.take(images, partners, axis=0)))
        return mixed, partners, weights

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "alpha": self.alpha}
