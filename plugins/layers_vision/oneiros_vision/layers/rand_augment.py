"""RandAugment: applies a few augmentations chosen at random from eleven."""

from __future__ import annotations

from typing import Any

from oneiros import arguments, ops

from oneiros_vision.layers import _arguments
from oneiros_vision.layers._augment_arguments import bounded_range
from oneiros_vision.layers._augment_policies import RAND_AUGMENT_OPERATIONS, apply_one, operations
from oneiros_vision.layers._base_random_image import BaseRandomImageLayer


class RandAugment(BaseRandomImageLayer):
    """While training, applies ``num_ops`` augmentations in turn, each chosen uniformly per batch
    among shear, translation, rotation, brightness, colour degeneration, contrast, sharpness,
    posterization, solarization, auto-contrast and equalization (Cubuk et al., 2020), each with
    the strength ``factor`` (a number f gives [0, f], a pair (lower, upper), within [0, 1]).
    Outside training: the identity.

    Example::

        layer = oi.layers.RandAugment(value_range=(0, 255), num_ops=2, factor=0.5, seed=1)
        y = layer(images, training=True)
    """

    def __init__(self, value_range: Any = (0, 255), num_ops: int = 2, factor: Any = 0.5,
                 interpolation: str = "bilinear", seed: int | None = None, data_format: str | None = None,
                 **kwargs: Any):
        owner = type(self).__name__
        value_range = _arguments.value_range(owner, value_range)
        num_ops = arguments.positive_int(owner, "num_ops", num_ops)
        factor = bounded_range(owner, "factor", factor)
        interpolation = arguments.choice(owner, "interpolation", interpolation, _arguments.INTERPOLATIONS)
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.value_range = value_range
        self.num_ops = num_ops
        self.factor = factor
        self.interpolation = interpolation
        self.augmenters = operations(RAND_AUGMENT_OPERATIONS, value_range, factor, interpolation, seed,
                                     self.data_format)

    def augment(self, images: Any, seed: Any) -> Any:
        choice_key, *keys = ops.split_seed(seed, self.num_ops + 1)
        choices = ops.randint((self.num_ops,), 0, len(self.augmenters), seed=choice_key)
        for step, key in enumerate(keys):
            images = apply_one(ops.take(choices, step), self.augmenters, images, key)
        return images

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "value_range": list(self.value_range), "num_ops": self.num_ops,
                "factor": list(self.factor), "interpolation": self.interpolation}
