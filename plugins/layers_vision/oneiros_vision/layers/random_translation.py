"""RandomTranslation: shifts images by a random offset while training."""

from __future__ import annotations

from typing import Any

from oneiros import arguments, ops

from oneiros_vision.layers import _affine, _arguments, _images
from oneiros_vision.layers._base_random_image import BaseRandomImageLayer


class RandomTranslation(BaseRandomImageLayer):
    """While training, shifts each image by a random fraction of its height and width.

    ``height_factor`` / ``width_factor``: a number f draws shifts in [-f, f] times the size, a
    pair (lower, upper) in [lower, upper]; positive shifts move the content down / right.
    Uncovered pixels follow ``fill_mode`` (see RandomRotation). Outside training: the identity.

    Example::

        layer = oi.layers.RandomTranslation(0.1, 0.1, fill_mode="constant", seed=1)
        y = layer(images, training=True)
    """

    def __init__(self, height_factor: Any, width_factor: Any, fill_mode: str = "reflect",
                 interpolation: str = "bilinear", seed: int | None = None, fill_value: float = 0.0,
                 data_format: str | None = None, **kwargs: Any):
        owner = type(self).__name__
        height_factor = _arguments.factor_range(owner, "height_factor", height_factor)
        width_factor = _arguments.factor_range(owner, "width_factor", width_factor)
        fill_mode = arguments.choice(owner, "fill_mode", fill_mode, _affine.FILL_MODES)
        interpolation = arguments.choice(owner, "interpolation", interpolation, _arguments.INTERPOLATIONS)
        fill_value = arguments.real(owner, "fill_value", fill_value)
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.height_factor = height_factor
        self.width_factor = width_factor
        self.fill_mode = fill_mode
        self.interpolation = interpolation
        self.fill_value = fill_value

    def augment(self, images: Any, seed: Any) -> Any:
        height, width = _images.height_width(tuple(ops.shape(images)), self.data_format)
        height_key, width_key = ops.split_seed(seed, 2)
        shift_y = self.batch_uniform(images, self.height_factor[0] * height, self.height_factor[1] * height,
                                     height_key)
        shift_x = self.batch_uniform(images, self.width_factor[0] * width, self.width_factor[1] * width, width_key)
        return _affine.affine_transform(images, _affine.translation_transforms(shift_x, shift_y),
                                        self.interpolation, self.fill_mode, self.fill_value, self.data_format)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "height_factor": list(self.height_factor),
                "width_factor": list(self.width_factor), "fill_mode": self.fill_mode,
                "interpolation": self.interpolation, "fill_value": self.fill_value}
