"""CenterCrop: the central window of each image."""

from __future__ import annotations

from typing import Any

from oneiros import arguments, ops
from oneiros.layers import Layer

from oneiros_vision.layers import _images
from oneiros_vision.layers._casting import floating


class CenterCrop(Layer):
    """Crops the central ``height`` x ``width`` window of every image (the extra row or column of
    an odd difference is cut at the bottom / right). An image smaller than the window is
    instead cropped to the window's aspect ratio and resized (bilinear), as in Keras.

    Example::

        layer = oi.layers.CenterCrop(24, 24)
        y = layer(np.zeros((2, 28, 28, 3), "float32"))   # shape (2, 24, 24, 3)
    """

    def __init__(self, height: int, width: int, data_format: str | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        owner = type(self).__name__
        self.height = arguments.positive_int(owner, "height", height)
        self.width = arguments.positive_int(owner, "width", width)
        self.data_format = arguments.data_format(owner, data_format)

    def build(self, input_shape: tuple) -> None:
        _images.check_image_rank(type(self).__name__, self.name, input_shape)

    def call(self, inputs: Any) -> Any:
        inputs = floating(inputs, self.compute_dtype)
        in_height, in_width = _images.height_width(tuple(ops.shape(inputs)), self.data_format)
        if in_height < self.height or in_width < self.width:
            return _images.smart_resize(inputs, self.height, self.width, "bilinear", self.data_format)
        top, left = (in_height - self.height) // 2, (in_width - self.width) // 2
        return _images.crop(inputs, top, left, self.height, self.width, self.data_format)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return _images.with_height_width(tuple(input_shape), self.data_format, self.height, self.width)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "height": self.height, "width": self.width, "data_format": self.data_format}
