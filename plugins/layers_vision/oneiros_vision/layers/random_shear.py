"""RandomShear: shears images along x and y by random amounts."""

from __future__ import annotations

from typing import Any

from oneiros import arguments, ops

from oneiros_vision.layers import _affine, _arguments
from oneiros_vision.layers._base_random_image import BaseRandomImageLayer

FILL_MODES = ("reflect", "wrap", "constant", "nearest")


class RandomShear(BaseRandomImageLayer):
    """While training, output pixel (x, y) of each image shows the input at
    (x + sx * y, y + sy * x): sx drawn per image in [-f, f] for a number ``x_factor`` f or in
    [lower, upper] for a pair within [-1, 1], likewise sy from ``y_factor``, and both negated
    together with probability 1/2. Uncovered pixels follow ``fill_mode``. Outside training: the
    identity.

    Example::

        layer = oi.layers.RandomShear(x_factor=0.2, y_factor=0.2, seed=1)
        y = layer(images, training=True)
    """

    def __init__(self, x_factor: Any = 0.0, y_factor: Any = 0.0, interpolation: str = "bilinear",
                 fill_mode: str = "reflect", fill_value: float = 0.0, data_format: str | None = None,
                 seed: int | None = None, **kwargs: Any):
        owner = type(self).__name__
        x_factor = _arguments.factor_range(owner, "x_factor", x_factor)
        y_factor = _arguments.factor_range(owner, "y_factor", y_factor)
        interpolation = arguments.choice(owner, "interpolation", interpolation, _arguments.INTERPOLATIONS)
        fill_mode = arguments.choice(owner, "fill_mode", fill_mode, FILL_MODES)
        fill_value = arguments.real(owner, "fill_value", fill_value)
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.x_factor = x_factor
        self.y_factor = y_factor
        self.interpolation = interpolation
        self.fill_mode = fill_mode
        self.fill_value = fill_value

    def augment(self, images: Any, seed: Any) -> Any:
        sign_key, y_key, x_key = ops.split_seed(seed, 3)
        sign = ops.where(ops.greater(self.batch_uniform(images, 0.0, 1.0, sign_key), 0.5), -1.0, 1.0)
        shear_y = ops.multiply(sign, self.batch_uniform(images, self.y_factor[0], self.y_factor[1], y_key))
        shear_x = ops.multiply(sign, self.batch_uniform(images, self.x_factor[0], self.x_factor[1], x_key))
        ones, zeros = ops.ones_like(shear_x), ops.zeros_like(shear_x)
        transforms = ops.stack([ones, shear_x, zeros, shear_y, ones, zeros], axis=1)
        return _affine.affine_transform(images, transforms, self.interpolation, self.fill_mode, self.fill_value,
                                        self.data_format)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "x_factor": list(self.x_factor), "y_factor": list(self.y_factor),
                "interpolation": self.interpolation, "fill_mode": self.fill_mode, "fill_value": self.fill_value}
