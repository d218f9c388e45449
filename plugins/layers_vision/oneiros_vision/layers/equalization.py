"""Equalization: histogram equalization of each image channel."""

from __future__ import annotations

from typing import Any

from oneiros import arguments, ops

from oneiros_vision.layers import _color
from oneiros_vision.layers._base_image_preprocessing import BaseImagePreprocessingLayer


class Equalization(BaseImagePreprocessingLayer):
    """Spreads each image channel's intensities evenly over ``value_range``: every value is
    replaced by its channel's cumulative histogram (``bins`` bins), rescaled to the range.
    Applied when training and when called directly; ``training=False`` (``predict``) passes
    images through, as Keras does.

    Keras computes one histogram per channel over the whole batch; here each image has its own
    (an image's result does not depend on the other images of its batch), which equals Keras's
    output image by image.

    Example::

        layer = oi.layers.Equalization(value_range=(0, 1), bins=128)
        y = layer(images)
    """

    applies_in_inference = False

    def __init__(self, value_range: Any = (0, 255), bins: int = 256, data_format: str | None = None, **kwargs: Any):
        bins = arguments.positive_int(type(self).__name__, "bins", bins)
        super().__init__(value_range=value_range, data_format=data_format, **kwargs)
        self.bins = bins

    def augment(self, images: Any, seed: Any) -> Any:
        channels_first = images if self.data_format == "channels_first" else ops.transpose(images, (0, 3, 1, 2))
        batch, channels, height, width = ops.shape(channels_first)
        rows = ops.reshape(_color.rescale(channels_first, self.value_range, _color.EIGHT_BIT),
                           (batch * channels, height * width))
        equalized = ops.reshape(_color.equalize(rows, self.bins), (batch, channels, height, width))
        equalized = ops.cast(_color.rescale(equalized, _color.EIGHT_BIT, self.value_range), ops.dtype(images))
        return equalized if self.data_format == "channels_first" else ops.transpose(equalized, (0, 2, 3, 1))

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "bins": self.bins}
