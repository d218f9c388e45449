"""RandomZoom: zooms images in or out by a random amount while training."""

from __future__ import annotations

from typing import Any

from oneiros import arguments, ops

from oneiros_vision.layers import _affine, _arguments, _images
from oneiros_vision.layers._base_random_image import BaseRandomImageLayer


class RandomZoom(BaseRandomImageLayer):
    """While training, zooms each image about its centre.

    ``height_factor``: a number f draws a zoom in [-f, f], a pair (lower, upper) in
    [lower, upper]; the image then shows ``1 + zoom`` times its height (positive zooms out,
    negative zooms in). ``width_factor`` does the same for the width; None (the default) uses
    the height's zoom, keeping the aspect ratio. Uncovered pixels follow ``fill_mode`` (see
    RandomRotation). Outside training: the identity.

    Example::

        layer = oi.layers.RandomZoom(0.2, seed=1)
        y = layer(images, training=True)
    """

    def __init__(self, height_factor: Any, width_factor: Any = None, fill_mode: str = "reflect",
                 interpolation: str = "bilinear", seed: int | None = None, fill_value: float = 0.0,
                 data_format: str | None = None, **kwargs: Any):
        owner = type(self).__name__
        height_factor = _arguments.factor_range(owner, "height_factor", height_factor)
        width_factor = None if width_factor is None else _arguments.factor_range(
            owner, "width_factor", width_factor)
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
        zoom_y = self.batch_uniform(images, 1.0 + self.height_factor[0], 1.0 + self.height_factor[1], height_key)
        zoom_x = zoom_y if self.width_factor is None else self.batch_uniform(
            images, 1.0 + self.width_factor[0], 1.0 + self.width_factor[1], width_key)
        return _affine.affine_transform(images, _affine.zoom_transforms(zoom_x, zoom_y, height, width),
                                        self.interpolation, self.fill_mode, self.fill_value, self.data_format)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "height_factor": list(self.height_factor),
                "width_factor": None if self.width_factor is None else list(self.width_factor),
                "fill_mode": self.fill_mode, "interpolation": self.interpolation, "fill_value": self.fill_value}
