"""RandomRotation: rotates images by a random angle while training."""

from __future__ import annotations

from typing import Any

from oneiros import arguments, ops

from oneiros_vision.layers import _affine, _arguments, _images
from oneiros_vision.layers._base_random_image import BaseRandomImageLayer


class RandomRotation(BaseRandomImageLayer):
    """While training, rotates each image about its centre by a random angle.

    ``factor`` is a fraction of a full turn: a number f draws angles in [-f, f] * 2 pi, a pair
    (lower, upper) in [lower, upper] * 2 pi; positive angles turn counter-clockwise. Pixels
    brought in from outside the image follow ``fill_mode`` ("reflect", "wrap", "constant" with
    ``fill_value``, "nearest", "mirror"); ``interpolation`` is "bilinear" or "nearest".
    Outside training: the identity.

    Example::

        layer = oi.layers.RandomRotation(0.1, seed=1)        # up to +-36 degrees
        y = layer(images, training=True)
    """

    def __init__(self, factor: Any, fill_mode: str = "reflect", interpolation: str = "bilinear",
                 seed: int | None = None, fill_value: float = 0.0, data_format: str | None = None, **kwargs: Any):
        owner = type(self).__name__
        factor = _arguments.factor_range(owner, "factor", factor)
        fill_mode = arguments.choice(owner, "fill_mode", fill_mode, _affine.FILL_MODES)
        interpolation = arguments.choice(owner, "interpolation", interpolation, _arguments.INTERPOLATIONS)
        fill_value = arguments.real(owner, "fill_value", fill_value)
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = factor
        self.fill_mode = fill_mode
        self.interpolation = interpolation
        self.fill_value = fill_value

    def augment(self, images: Any, seed: Any) -> Any:
        height, width = _images.height_width(tuple(ops.shape(images)), self.data_format)
        lower, upper = self.factor
        angles = self.batch_uniform(images, lower * _affine.FULL_TURN, upper * _affine.FULL_TURN, seed)
        return _affine.affine_transform(images, _affine.rotation_transforms(angles, height, width),
                                        self.interpolation, self.fill_mode, self.fill_value, self.data_format)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "factor": list(self.factor), "fill_mode": self.fill_mode,
                "interpolation": self.interpolation, "fill_value": self.fill_value}
