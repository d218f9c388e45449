"""RandomElasticTransform: displaces pixels along a smooth random field."""

from __future__ import annotations

from typing import Any

from oneiros import arguments, ops

from oneiros_vision.layers import _affine, _arguments, _color, _images
from oneiros_vision.layers._augment_arguments import bounded_range
from oneiros_vision.layers._base_random_image import BaseRandomImageLayer, draw_uniform

SIGMA_FLOOR = 1e-6


class RandomElasticTransform(BaseRandomImageLayer):
    """While training, moves every pixel of each chosen image by ``alpha`` times a random field
    (normal noise times ``sigma``, blurred by a Gaussian of width ``sigma``), sampling
    bilinearly (or ``interpolation="nearest"``), with ``fill_mode`` / ``fill_value`` outside
    the image; the result is clipped to ``value_range``. A distortion d is drawn once per batch
    in [0, s] for a number ``scale`` s or in [lower, upper] for a pair, giving
    ``alpha = 0.1 d max(H, W)`` and ``sigma = 0.05 d min(H, W)`` (Keras's parameters). An image is
    chosen with a probability drawn per image in [0, f] for a number ``factor`` f or in
    [lower, upper] for a pair. Outside training: the identity.

    Differences from Keras, which needs its blur size at run time and so cannot be compiled:
    the blur kernel has the size that fits the largest sigma, and the horizontal and vertical
    fields are drawn independently (Keras draws them with one key, so they are equal).

    Example::

        layer = oi.layers.RandomElasticTransform(factor=1.0, scale=0.5, seed=1)
        y = layer(images, training=True)
    """

    def __init__(self, factor: Any = 1.0, scale: Any = 1.0, interpolation: str = "bilinear",
                 fill_mode: str = "reflect", fill_value: float = 0.0, value_range: Any = (0, 255),
                 seed: int | None = None, data_format: str | None = None, **kwargs: Any):
        owner = type(self).__name__
        factor = bounded_range(owner, "factor", factor)
        scale = bounded_range(owner, "scale", scale)
        interpolation = arguments.choice(owner, "interpolation", interpolation, _arguments.INTERPOLATIONS)
        fill_mode = arguments.choice(owner, "fill_mode", fill_mode, _affine.FILL_MODES)
        fill_value = arguments.real(owner, "fill_value", fill_value)
        value_range = _arguments.value_range(owner, value_range)
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = factor
        self.scale = scale
        self.interpolation = interpolation
        self.fill_mode = fill_mode
        self.fill_value = fill_value
        self.value_range = value_range

    def augment(self, images: Any, seed: Any) -> Any:
        if self.scale[1] == 0 or self.factor[1] == 0:
            return images
        chance_key, scale_key, x_key, y_key = ops.split_seed(seed, 4)
        batch = ops.shape(images)[0]
        height, width = _images.height_width(tuple(ops.shape(images)), self.data_format)
        distortion = draw_uniform((), self.scale[0], self.scale[1], scale_key)
        alpha = ops.multiply(distortion, 0.1 * max(height, width))
        sigma = ops.maximum(ops.multiply(distortion, 0.05 * min(height, width)), SIGMA_FLOOR)
        taps = int(6 * 0.05 * min(height, width) * self.scale[1]) | 1
        kernel = _color.gaussian_kernel(taps, sigma)

        def field(key: Any) -> Any:
            noise = ops.multiply(ops.normal((batch, height, width, 1), seed=key), sigma)
            smooth = _color.blur(noise, kernel, kernel, "channels_last")
            return ops.multiply(ops.reshape(smooth, (batch, height * width)), alpha)

        rows, columns = _affine.pixel_grid(height, width)
        warped = _affine.warp(images, ops.add(columns, field(x_key)), ops.add(rows, field(y_key)),
                              self.interpolation, self.fill_mode, self.fill_value, self.data_format)
        chosen = _color.per_image(self.batch_chance(images, self.factor, chance_key))
        return ops.clip(ops.where(chosen, warped, images), self.value_range[0], self.value_range[1])

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "factor": list(self.factor), "scale": list(self.scale),
                "interpolation": self.interpolation, "fill_mode": self.fill_mode, "fill_value": self.fill_value,
                "value_range": list(self.value_range)}
