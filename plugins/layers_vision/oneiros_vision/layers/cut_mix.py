"""CutMix: pastes a random box of another image of the batch into each image."""

from __future__ import annotations

from typing import Any

from oneiros import ops

from oneiros_vision.layers import _affine, _color, _images
from oneiros_vision.layers._augment_arguments import bounded_range
from oneiros_vision.layers._base_mixing import BaseMixingLayer, beta_weights
from oneiros_vision.layers._base_random_image import draw_uniform

ALPHA_FLOOR = 1e-6


def box_mask(height: int, width: int, left: Any, top: Any, box_width: Any, box_height: Any,
             data_format: str) -> Any:
    """(batch, H, W, 1) booleans (or channels first): the pixels whose column lies in
    [left, left + box_width) and whose row lies in [top, top + box_height)."""
    rows, columns = _affine.pixel_grid(height, width)
    left, top = ops.expand_dims(left, 1), ops.expand_dims(top, 1)
    inside = ops.logical_and(
        ops.logical_and(ops.greater_equal(columns, left), ops.less(columns, ops.add(left, ops.expand_dims(box_width, 1)))),
        ops.logical_and(ops.greater_equal(rows, top), ops.less(rows, ops.add(top, ops.expand_dims(box_height, 1)))))
    shape = (-1, height, width, 1) if data_format == "channels_last" else (-1, 1, height, width)
    return ops.reshape(inside, shape)


def random_box(layer: Any, images: Any, size_fractions: tuple[Any, Any], seed: Any) -> tuple[Any, Any, Any, Any]:
    """(left, top, width, height) per image: a box of the given fractions of the image's width
    and height, placed uniformly inside it."""
    height, width = _images.height_width(tuple(ops.shape(images)), layer.data_format)
    x_key, y_key = ops.split_seed(seed, 2)
    box_width = ops.multiply(size_fractions[0], float(width))
    box_height = ops.multiply(size_fractions[1], float(height))
    left = ops.multiply(layer.batch_uniform(images, 0.0, 1.0, x_key), ops.subtract(float(width), box_width))
    top = ops.multiply(layer.batch_uniform(images, 0.0, 1.0, y_key), ops.subtract(float(height), box_height))
    return left, top, box_width, box_height


class CutMix(BaseMixingLayer):
    """While training, pastes into image i the same box of image p(i) (p a random permutation of
    the batch), the box covering a fraction 1 - w of each side's square (w drawn per image from
    Beta(a, a), a drawn once per batch in [0, f] for a number ``factor`` f or in [lower, upper]
    for a pair); labels are mixed by the area kept (Yun et al., 2019). Pass
    ``{"images": x, "labels": y}`` to mix the labels too. Outside training: the identity.

    Example::

        layer = oi.layers.CutMix(factor=1.0, seed=1)
        mixed = layer({"images": images, "labels": one_hot_labels}, training=True)
    """

    def __init__(self, factor: Any = 1.0, seed: int | None = None, data_format: str | None = None, **kwargs: Any):
        factor = bounded_range(type(self).__name__, "factor", factor)
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = factor

    def mix(self, images: Any, seed: Any) -> tuple[Any, Any, Any]:
        alpha_key, weight_key, box_key, order_key = ops.split_seed(seed, 4)
        batch = ops.shape(images)[0]
        height, width = _images.height_width(tuple(ops.shape(images)), self.data_format)
        alpha = ops.add(draw_uniform((), self.factor[0], self.factor[1], alpha_key), ALPHA_FLOOR)
        ratio = ops.sqrt(ops.subtract(1.0, beta_weights(batch, alpha, seed=weight_key)))
        left, top, box_width, box_height = random_box(self, images, (ratio, ratio), box_key)
        partners = ops.shuffle(ops.arange(batch, dtype="int32"), seed=order_key)
        inside = box_mask(height, width, left, top, box_width, box_height, self.data_format)
        mixed = ops.where(inside, ops.take(images, partners, axis=0), images)
        kept = ops.subtract(1.0, ops.divide(ops.multiply(box_width, box_height), float(height * width)))
        return mixed, partners, kept

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "factor": list(self.factor)}
