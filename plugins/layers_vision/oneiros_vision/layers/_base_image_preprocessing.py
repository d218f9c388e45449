"""BaseImagePreprocessingLayer: the deterministic image layers (AutoContrast, Equalization, CLAHE)."""

from __future__ import annotations

from typing import Any, ClassVar

from oneiros import arguments
from oneiros.layers import Layer

from oneiros_vision.layers import _arguments, _images
from oneiros_vision.layers._casting import floating


class BaseImagePreprocessingLayer(Layer):
    """Transforms a batch ``(N, H, W, C)`` (or channels first) or one image with no random draws.

    Keras applies some of these layers in inference too (AutoContrast, CLAHE) and others only
    while training (Equalization): ``applies_in_inference`` says which. A call without
    ``training`` outside ``fit`` transforms, as Keras's default ``training=True`` does.
    Subclasses implement ``augment(images, seed)`` on a batch (``seed`` is unused: the name and
    signature are those of the random layers, so RandAugment and AugMix can chain both kinds).
    """

    applies_in_inference: ClassVar[bool] = True

    def __init__(self, value_range: Any = (0, 255), data_format: str | None = None, **kwargs: Any):
        owner = type(self).__name__
        value_range = _arguments.value_range(owner, value_range)
        data_format = arguments.data_format(owner, data_format)
        super().__init__(**kwargs)
        self.value_range = value_range
        self.data_format = data_format

    def build(self, input_shape: tuple) -> None:
        _images.check_image_rank(type(self).__name__, self.name, input_shape)

    def call(self, inputs: Any, training: bool | None = None) -> Any:
        inputs = floating(inputs, self.compute_dtype)
        if training is False and not self.applies_in_inference:
            return inputs
        batch, restore = _images.as_batch(inputs)
        return restore(self.augment(batch, None))

    def augment(self, images: Any, seed: Any) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must implement augment(images, seed).")

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return input_shape

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "value_range": list(self.value_range), "data_format": self.data_format}
