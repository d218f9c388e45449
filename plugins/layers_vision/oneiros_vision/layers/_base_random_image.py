"""BaseRandomImageLayer: the training-only, seeded augmentation behind every Random* image layer."""

from __future__ import annotations

from typing import Any

from oneiros import arguments, ops
from oneiros.layers import Layer
from oneiros.layers.seed_generator import SeedGenerator

from oneiros_vision.layers import _images
from oneiros_vision.layers._casting import floating


def draw_uniform(shape: tuple, low: float, high: float, seed: Any) -> Any:
    """Uniform floats in [low, high) of ``shape``; ``low`` itself when the range is empty (a
    factor of 0, or a pair of equal bounds)."""
    if high <= low:
        return ops.full(shape, low, dtype="float32")
    return ops.uniform(shape, minval=low, maxval=high, seed=seed)


class BaseRandomImageLayer(Layer):
    """Augments images only when called with ``training=True``; otherwise returns them (cast to
    the compute dtype). Each training call draws a new key from a SeedGenerator, so a layer
    built with the same ``seed`` gives the same sequence of outputs.

    Subclasses implement ``augment(images, seed)`` on a batch ``(N, H, W, C)`` (or channels
    first); unbatched ``(H, W, C)`` inputs are handled here.
    """

    def __init__(self, seed: int | None = None, data_format: str | None = None, **kwargs: Any):
        owner = type(self).__name__
        seed = arguments.seed(owner, seed)
        data_format = arguments.data_format(owner, data_format)
        super().__init__(**kwargs)
        self.seed = seed
        self.data_format = data_format
        self.seed_generator = SeedGenerator(seed)

    def build(self, input_shape: tuple) -> None:
        _images.check_image_rank(type(self).__name__, self.name, input_shape)

    def call(self, inputs: Any, training: bool | None = None) -> Any:
        inputs = floating(inputs, self.compute_dtype)
        if not training:
            return self.infer(inputs)
        batch, restore = _images.as_batch(inputs)
        return restore(self.augment(batch, self.seed_generator.next()))

    def augment(self, images: Any, seed: Any) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must implement augment(images, seed).")

    def infer(self, images: Any) -> Any:
        """What the layer does outside training: nothing, unless a subclass says otherwise."""
        return images

    def batch_uniform(self, images: Any, low: float, high: float, seed: Any) -> Any:
        """One uniform draw in [low, high) per image of the batch, shape (N,); ``low`` itself when
        the range is empty (a factor of 0, or a pair of equal bounds)."""
        return draw_uniform((ops.shape(images)[0],), low, high, seed)

    def batch_chance(self, images: Any, probability_range: tuple[float, float], seed: Any) -> Any:
        """(N,) booleans: each image is picked with a probability drawn in ``probability_range``
        (Keras's rule for RandomInvert, RandomErasing, RandomGaussianBlur...)."""
        probability_key, draw_key = ops.split_seed(seed, 2)
        probability = self.batch_uniform(images, probability_range[0], probability_range[1], probability_key)
        return ops.less(self.batch_uniform(images, 0.0, 1.0, draw_key), probability)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return input_shape

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "seed": self.seed, "data_format": self.data_format}
