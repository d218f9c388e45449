"""RandomGaussianBlur: blurs randomly chosen images with a Gaussian kernel."""

from __future__ import annotations

from typing import Any

from oneiros import ops

from oneiros_vision.layers import _arguments, _color
from oneiros_vision.layers._augment_arguments import bounded_range, odd_sizes
from oneiros_vision.layers._base_random_image import BaseRandomImageLayer, draw_uniform

SIGMA_FLOOR = 1e-6


class RandomGaussianBlur(BaseRandomImageLayer):
    """While training, blurs each chosen image with a Gaussian kernel of ``kernel_size`` taps
    (odd; a pair is (width, height)) and zero padding, clipped to ``value_range``. An image is
    chosen with a probability drawn per image in [0, f] for a number ``factor`` f or in
    [lower, upper] for a pair; the horizontal and vertical sigmas are drawn once per batch in
    [0, s] for a number ``sigma`` s or in [lower, upper] for a pair, within [0, 1]. Outside
    training: the identity.

    Example::

        layer = oi.layers.RandomGaussianBlur(factor=0.5, kernel_size=5, sigma=(0.5, 1.0), seed=1)
        y = layer(images, training=True)
    """

    def __init__(self, factor: Any = 1.0, kernel_size: Any = 3, sigma: Any = 1.0, value_range: Any = (0, 255),
                 data_format: str | None = None, seed: int | None = None, **kwargs: Any):
        owner = type(self).__name__
        factor = bounded_range(owner, "factor", factor)
        kernel_size = odd_sizes(owner, "kernel_size", kernel_size)
        sigma = bounded_range(owner, "sigma", sigma)
        value_range = _arguments.value_range(owner, value_range)
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = factor
        self.kernel_size = kernel_size
        self.sigma = sigma
        self.value_range = value_range

    def augment(self, images: Any, seed: Any) -> Any:
        chance_key, sigma_key = ops.split_seed(seed, 2)
        chosen = _color.per_image(self.batch_chance(images, self.factor, chance_key))
        sigmas = draw_uniform((2,), self.sigma[0], self.sigma[1], sigma_key)
        sigma_x, sigma_y = (ops.add(sigma, SIGMA_FLOOR) for sigma in ops.split(sigmas, 2))
        width, height = self.kernel_size
        blurred = _color.blur(images, _color.gaussian_kernel(height, sigma_y), _color.gaussian_kernel(width, sigma_x),
                              self.data_format)
        return ops.clip(ops.where(chosen, blurred, images), self.value_range[0], self.value_range[1])

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "factor": list(self.factor), "kernel_size": list(self.kernel_size),
                "sigma": list(self.sigma), "value_range": list(self.value_range)}
