"""AugMix: mixes several random augmentation chains of each image with the image itself."""

from __future__ import annotations

from typing import Any

from oneiros import arguments, ops, random

from oneiros_vision.layers import _arguments
from oneiros_vision.layers._augment_arguments import bounded_range, positive_real
from oneiros_vision.layers._augment_policies import (AUG_MIX_COLOR_OPERATIONS, AUG_MIX_OPERATIONS, apply_one,
                                                     operations)
from oneiros_vision.layers._base_random_image import BaseRandomImageLayer


class AugMix(BaseRandomImageLayer):
    """While training, runs ``num_chains`` chains of ``chain_depth`` steps, each step one
    augmentation chosen at random (or none) among shear, translation, rotation, posterization,
    solarization, auto-contrast and equalization (plus brightness, colour degeneration, contrast
    and sharpness when ``all_ops``), with strength ``factor`` (a number f gives [0, f], a pair
    (lower, upper), within [0, 1]); mixes the chains with Dirichlet(``alpha``) weights and the
    result with the original image by a Beta(``alpha``, ``alpha``) weight (Hendrycks et al.,
    2020), clipped to ``value_range``. Choices and weights are drawn per batch, as in Keras.
    Outside training: the identity.

    Example::

        layer = oi.layers.AugMix(value_range=(0, 255), num_chains=3, chain_depth=2, seed=1)
        y = layer(images, training=True)
    """

    def __init__(self, value_range: Any = (0, 255), num_chains: int = 3, chain_depth: int = 3, factor: Any = 0.3,
                 alpha: float = 1.0, all_ops: bool = True, interpolation: str = "bilinear", seed: int | None = None,
                 data_format: str | None = None, **kwargs: Any):
        owner = type(self).__name__
        value_range = _arguments.value_range(owner, value_range)
        num_chains = arguments.positive_int(owner, "num_chains", num_chains)
        chain_depth = arguments.positive_int(owner, "chain_depth", chain_depth)
        factor = bounded_range(owner, "factor", factor)
        alpha = positive_real(owner, "alpha", alpha)
        interpolation = arguments.choice(owner, "interpolation", interpolation, _arguments.INTERPOLATIONS)
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.value_range = value_range
        self.num_chains = num_chains
        self.chain_depth = chain_depth
        self.factor = factor
        self.alpha = alpha
        self.all_ops = bool(all_ops)
        self.interpolation = interpolation
        names = AUG_MIX_OPERATIONS + (AUG_MIX_COLOR_OPERATIONS if self.all_ops else ())
        self.augmenters = operations(names, value_range, factor, interpolation, seed, self.data_format)

    def augment(self, images: Any, seed: Any) -> Any:
        chain_key, mix_key, choice_key, *step_keys = ops.split_seed(seed, 3 + self.num_chains * self.chain_depth)
        gammas = random.gamma((self.num_chains,), self.alpha, seed=chain_key)
        chain_weights = ops.cast(ops.divide(gammas, ops.sum(gammas)), ops.dtype(images))
        original_weight = ops.cast(random.beta((), self.alpha, self.alpha, seed=mix_key), ops.dtype(images))
        choices = ops.randint((self.num_chains * self.chain_depth,), 0, len(self.augmenters) + 1, seed=choice_key)
        mixed = ops.zeros_like(images)
        for chain in range(self.num_chains):
            augmented = images
            for depth in range(self.chain_depth):
                step = chain * self.chain_depth + depth
                augmented = apply_one(ops.take(choices, step), self.augmenters, augmented, step_keys[step],
                                      identity=True)
            mixed = ops.add(mixed, ops.multiply(augmented, ops.take(chain_weights, chain)))
        result = ops.add(ops.multiply(original_weight, images), ops.multiply(ops.subtract(1.0, original_weight), mixed))
        return ops.clip(result, self.value_range[0], self.value_range[1])

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "value_range": list(self.value_range), "num_chains": self.num_chains,
                "chain_depth": self.chain_depth, "factor": list(self.factor), "alpha": self.alpha,
                "all_ops": self.all_ops, "interpolation": self.interpolation}
