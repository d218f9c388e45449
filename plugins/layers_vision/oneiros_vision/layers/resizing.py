"""Resizing: images resized to a fixed height and width."""

from __future__ import annotations

from typing import Any

from oneiros import arguments, ops
from oneiros.layers import Layer

from oneiros_vision.layers import _arguments, _images
from oneiros_vision.layers._casting import floating


class Resizing(Layer):
    """Resizes every image to ``height`` x ``width`` ("bilinear" or "nearest", half-pixel
    centres, no antialiasing).

    ``crop_to_aspect_ratio`` first takes the largest centred window with the target's aspect
    ratio (no distortion, borders lost); ``pad_to_aspect_ratio`` instead pads the image evenly
    with ``fill_value`` to that ratio (no distortion, nothing lost).

    Example::

        layer = oi.layers.Resizing(14, 14)
        y = layer(np.zeros((2, 28, 28, 1), "float32"))   # shape (2, 14, 14, 1)
    """

    def __init__(self, height: int, width: int, interpolation: str = "bilinear", crop_to_aspect_ratio: bool = False,
                 pad_to_aspect_ratio: bool = False, fill_value: float = 0.0, data_format: str | None = None,
                 **kwargs: Any):
        super().__init__(**kwargs)
        owner = type(self).__name__
        self.height = arguments.positive_int(owner, "height", height)
        self.width = arguments.positive_int(owner, "width", width)
        self.interpolation = arguments.choice(owner, "interpolation", interpolation, _arguments.INTERPOLATIONS)
        self.crop_to_aspect_ratio = bool(crop_to_aspect_ratio)
        self.pad_to_aspect_ratio = bool(pad_to_aspect_ratio)
        if self.crop_to_aspect_ratio and self.pad_to_aspect_ratio:
            raise ValueError(f"{owner}: `crop_to_aspect_ratio` and `pad_to_aspect_ratio` exclude each other; "
                             "received both True.")
        self.fill_value = arguments.real(owner, "fill_value", fill_value)
        self.data_format = arguments.data_format(owner, data_format)

    def build(self, input_shape: tuple) -> None:
        _images.check_image_rank(type(self).__name__, self.name, input_shape)

    def call(self, inputs: Any) -> Any:
        inputs = floating(inputs, self.compute_dtype)
        if self.crop_to_aspect_ratio:
            return _images.smart_resize(inputs, self.height, self.width, self.interpolation, self.data_format)
        if self.pad_to_aspect_ratio:
            inputs = self._pad_to_aspect_ratio(inputs)
        return _images.resize(inputs, self.height, self.width, self.interpolation, self.data_format)

    def _pad_to_aspect_ratio(self, images: Any) -> Any:
        shape = tuple(ops.shape(images))
        height, width = _images.height_width(shape, self.data_format)
        top, left, padded_height, padded_width = _images.aspect_pad_box(height, width, self.height, self.width)
        height_axis, width_axis = _images.height_width_axes(self.data_format, len(shape))
        pad_width = [(0, 0)] * len(shape)
        pad_width[height_axis] = (top, padded_height - height - top)
        pad_width[width_axis] = (left, padded_width - width - left)
        return ops.pad(images, pad_width, constant_values=self.fill_value)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return _images.with_height_width(tuple(input_shape), self.data_format, self.height, self.width)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "height": self.height, "width": self.width,
                "interpolation": self.interpolation, "crop_to_aspect_ratio": self.crop_to_aspect_ratio,
                "pad_to_aspect_ratio": self.pad_to_aspect_ratio, "fill_value": self.fill_value,
                "data_format": self.data_format}
