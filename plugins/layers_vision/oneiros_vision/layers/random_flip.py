"""RandomFlip: mirrors images left-right and/or top-bottom while training."""

from __future__ import annotations

from typing import Any

from oneiros import arguments, ops

from oneiros_vision.layers import _images
from oneiros_vision.layers._base_random_image import BaseRandomImageLayer

MODES = ("horizontal", "vertical", "horizontal_and_vertical")


class RandomFlip(BaseRandomImageLayer):
    """While training, flips each image horizontally and/or vertically (``mode``), each with
    probability 1/2, independently per image. Outside training: the identity.

    Example::

        layer = oi.layers.RandomFlip("horizontal", seed=1)
        y = layer(images, training=True)
    """

    def __init__(self, mode: str = "horizontal_and_vertical", seed: int | None = None,
                 data_format: str | None = None, **kwargs: Any):
        mode = arguments.choice(type(self).__name__, "mode", mode, MODES)
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.mode = mode

    def augment(self, images: Any, seed: Any) -> Any:
        height_axis, width_axis = _images.height_width_axes(self.data_format, 4)
        axes = {"horizontal": [width_axis], "vertical": [height_axis],
                "horizontal_and_vertical": [width_axis, height_axis]}[self.mode]
        for axis, key in zip(axes, ops.split_seed(seed, len(axes))):
            flip = ops.less(self.batch_uniform(images, 0.0, 1.0, key), 0.5)
            images = ops.where(ops.reshape(flip, (-1, 1, 1, 1)), ops.flip(images, axis=axis), images)
        return images

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "mode": self.mode}
