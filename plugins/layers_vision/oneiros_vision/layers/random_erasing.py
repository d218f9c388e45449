"""RandomErasing: overwrites a random box of randomly chosen images."""

from __future__ import annotations

from typing import Any

from oneiros import ops

from oneiros_vision.layers import _arguments, _color, _images
from oneiros_vision.layers._augment_arguments import bounded_range, fill_value as checked_fill_value
from oneiros_vision.layers._base_random_image import BaseRandomImageLayer, draw_uniform
from oneiros_vision.layers.cut_mix import box_mask, random_box


class RandomErasing(BaseRandomImageLayer):
    """While training, fills a box of each chosen image with ``fill_value`` (a number, one per
    channel, or None: normal noise times the range's upper end), clipped to ``value_range``. The
    box's width and height are sqrt(s) times the image's, s drawn independently for each side in
    ``scale`` (a number s gives [0, s]; a pair (lower, upper), within [0, 1]); it is placed
    uniformly inside the image (Zhong et al., 2020). An image is chosen with a probability drawn
    per image in [0, f] for a number ``factor`` f or in [lower, upper] for a pair. Outside
    training: the identity.

    Example::

        layer = oi.layers.RandomErasing(factor=0.5, scale=(0.02, 0.2), fill_value=0, seed=1)
        y = layer(images, training=True)
    """

    def __init__(self, factor: Any = 1.0, scale: Any = (0.02, 0.33), fill_value: Any = None,
                 value_range: Any = (0, 255), seed: int | None = None, data_format: str | None = None, **kwargs: Any):
        owner = type(self).__name__
        factor = bounded_range(owner, "factor", factor)
        scale = bounded_range(owner, "scale", scale)
        fill = checked_fill_value(owner, fill_value)
        value_range = _arguments.value_range(owner, value_range)
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = factor
        self.scale = scale
        self.fill_value = fill
        self.value_range = value_range

    def augment(self, images: Any, seed: Any) -> Any:
        size_key, box_key, chance_key, fill_key = ops.split_seed(seed, 4)
        shape = tuple(ops.shape(images))
        height, width = _images.height_width(shape, self.data_format)
        sizes = ops.sqrt(draw_uniform((shape[0], 2), self.scale[0], self.scale[1], size_key))
        fractions = tuple(ops.squeeze(part, 1) for part in ops.split(sizes, 2, axis=1))
        left, top, box_width, box_height = random_box(self, images, fractions, box_key)
        inside = box_mask(height, width, left, top, box_width, box_height, self.data_format)
        chosen = _color.per_image(self.batch_chance(images, self.factor, chance_key))
        erased = ops.where(ops.logical_and(inside, chosen), self._fill(images, fill_key), images)
        return ops.cast(erased, ops.dtype(images))

    def _fill(self, images: Any, seed: Any) -> Any:
        if self.fill_value is None:
            fill = ops.multiply(ops.normal(ops.shape(images), seed=seed), self.value_range[1])
        elif isinstance(self.fill_value, tuple):
            channel_shape = [1, 1, 1, 1]
            channel_shape[_color.channel_axis(self.data_format)] = 3
            fill = ops.reshape(ops.convert_to_tensor(self.fill_value, "float32"), tuple(channel_shape))
        else:
            fill = ops.convert_to_tensor(self.fill_value, "float32")
        return ops.cast(ops.clip(fill, self.value_range[0], self.value_range[1]), ops.dtype(images))

    def get_config(self) -> dict[str, Any]:
        fill = list(self.fill_value) if isinstance(self.fill_value, tuple) else self.fill_value
        return {**super().get_config(), "factor": list(self.factor), "scale": list(self.scale), "fill_value": fill,
                "value_range": list(self.value_range)}
