"""BaseMixingLayer: augmentations that mix each image with another of its batch (MixUp, CutMix)
and mix the labels in the same proportions."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from oneiros import ops, random

from oneiros_vision.layers import _images
from oneiros_vision.layers._base_random_image import BaseRandomImageLayer
from oneiros_vision.layers._casting import floating


def beta_weights(count: int, alpha: Any, seed: Any) -> Any:
    """``count`` draws from Beta(alpha, alpha); where both gamma draws underflow (alpha near 0)
    the limit, a fair coin between 0 and 1, replaces the 0/0."""
    beta_key, coin_key = ops.split_seed(seed, 2)
    weights = random.beta((count,), alpha, alpha, seed=beta_key)
    coin = ops.cast(ops.less(ops.uniform((count,), seed=coin_key), 0.5), ops.dtype(weights))
    return ops.where(ops.isnan(weights), coin, weights)


class BaseMixingLayer(BaseRandomImageLayer):
    """Takes a batch of images, or Keras's dict ``{"images": ..., "labels": ...}`` (labels one-hot
    or soft, (batch, classes)) and returns the same structure. Subclasses implement
    ``mix(images, seed) -> (mixed images, partner indices (batch,), weights of the own image (batch,))``.
    Outside training, or for a single unbatched image: unchanged.
    """

    def build(self, input_shape: Any) -> None:
        images_shape = input_shape["images"] if isinstance(input_shape, Mapping) else input_shape
        _images.check_image_rank(type(self).__name__, self.name, images_shape)

    def call(self, inputs: Any, training: bool | None = None) -> Any:
        data = dict(inputs) if isinstance(inputs, Mapping) else {"images": inputs}
        if "images" not in data:
            raise ValueError(f"{type(self).__name__} {self.name!r} expected images or a dict with an 'images' key "
                             f"(and optionally 'labels'); received a dict with keys {sorted(data)}.")
        images = floating(data["images"], self.compute_dtype)
        data["images"] = images
        if training and len(ops.shape(images)) == 4:
            mixed, partners, weights = self.mix(images, self.seed_generator.next())
            data["images"] = mixed
            if "labels" in data:
                labels = floating(data["labels"], self.compute_dtype)
                own = ops.reshape(ops.cast(weights, ops.dtype(labels)), (-1,) + (1,) * (len(ops.shape(labels)) - 1))
                data["labels"] = ops.add(ops.multiply(own, labels),
                                         ops.multiply(ops.subtract(1.0, own), ops.take(labels, partners, axis=0)))
        return data if isinstance(inputs, Mapping) else data["images"]

    def mix(self, images: Any, seed: Any) -> tuple[Any, Any, Any]:
        raise NotImplementedError(f"{type(self).__name__} must implement mix(images, seed).")

    def compute_output_shape(self, input_shape: Any) -> Any:
        return input_shape
