"""RandomCrop: a random window of the images while training, a centred one otherwise."""

from __future__ import annotations

from typing import Any

from oneiros import arguments, ops

from oneiros_vision.layers import _images
from oneiros_vision.layers._base_random_image import BaseRandomImageLayer


class RandomCrop(BaseRandomImageLayer):
    """While training, crops a random ``height`` x ``width`` window (one offset per batch).

    Outside training, or when an image is smaller than the window, it takes the largest centred
    window with the target's aspect ratio and resizes it (bilinear) to ``height`` x ``width``,
    as Keras does.

    Example::

        layer = oi.layers.RandomCrop(24, 24, seed=1)
        y = layer(np.zeros((8, 28, 28, 1), "float32"), training=True)   # shape (8, 24, 24, 1)
    """

    def __init__(self, height: int, width: int, seed: int | None = None, data_format: str | None = None,
                 **kwargs: Any):
        owner = type(self).__name__
        height = arguments.positive_int(owner, "height", height)
        width = arguments.positive_int(owner, "width", width)
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.height = height
        self.width = width

    def augment(self, images: Any, seed: Any) -> Any:
        in_height, in_width = _images.height_width(tuple(ops.shape(images)), self.data_format)
        if in_height < self.height or in_width < self.width:
            return self.infer(images)
        top_key, left_key = ops.split_seed(seed, 2)
        top = ops.randint((), 0, in_height - self.height + 1, seed=top_key)
        left = ops.randint((), 0, in_width - self.width + 1, seed=left_key)
        return _images.crop(images, top, left, self.height, self.width, self.data_format)

    def infer(self, images: Any) -> Any:
        return _images.smart_resize(images, self.height, self.width, "bilinear", self.data_format)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return _images.with_height_width(tuple(input_shape), self.data_format, self.height, self.width)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "height": self.height, "width": self.width}
