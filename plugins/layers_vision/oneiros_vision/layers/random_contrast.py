"""RandomContrast: scales each image's deviation from its mean while training."""

from __future__ import annotations

from typing import Any

from oneiros import ops

from oneiros_vision.layers import _arguments, _images
from oneiros_vision.layers._base_random_image import BaseRandomImageLayer


class RandomContrast(BaseRandomImageLayer):
    """While training, draws a contrast c per image in [1 - lower, 1 + upper] and computes
    ``(x - mean) * c + mean`` (mean per image and channel over height and width), clipped to
    ``value_range``. ``factor`` is a number f (lower = upper = f) or a pair (lower, upper), in
    [0, 1]. Outside training: the identity.

    Example::

        layer = oi.layers.RandomContrast(0.2, value_range=(0, 1), seed=1)
        y = layer(images, training=True)
    """

    def __init__(self, factor: Any, value_range: Any = (0, 255), seed: int | None = None,
                 data_format: str | None = None, **kwargs: Any):
        owner = type(self).__name__
        factor = _arguments.factor_range(owner, "factor", factor, symmetric=False)
        value_range = _arguments.value_range(owner, value_range)
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = factor
        self.value_range = value_range

    def augment(self, images: Any, seed: Any) -> Any:
        contrast = ops.reshape(self.batch_uniform(images, 1.0 - self.factor[0], 1.0 + self.factor[1], seed),
                               (-1, 1, 1, 1))
        mean = ops.mean(images, axis=_images.height_width_axes(self.data_format, 4), keepdims=True)
        adjusted = ops.add(ops.multiply(ops.subtract(images, mean), ops.cast(contrast, ops.dtype(images))), mean)
        return ops.clip(adjusted, self.value_range[0], self.value_range[1])

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "factor": list(self.factor), "value_range": list(self.value_range)}
