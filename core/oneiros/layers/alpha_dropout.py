"""AlphaDropout: dropout that keeps the self-normalizing property of SELU networks."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from oneiros import arguments, ops
import oneiros.layers._validation as _validation
from oneiros.layers.layer import Layer
from oneiros.layers.seed_generator import SeedGenerator

SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


class AlphaDropout(Layer):
    """During training, sets entries to SELU's negative saturation value with probability
    ``rate``, then applies the affine map ``a * x + b`` that restores the inputs' mean and
    variance (Klambauer et al., 2017); outside training it returns its inputs.

    ``rate`` must be below 1. ``noise_shape`` works as in :class:`Dropout`.

    Example::

        model = oi.Sequential([oi.layers.Dense(64, activation="selu"), oi.layers.AlphaDropout(0.1)])
    """

    supports_masking = True

    def __init__(self, rate: float, noise_shape: Sequence[int | None] | None = None, seed: int | None = None,
                 **kwargs: Any):
        super().__init__(**kwargs)
        owner = type(self).__name__
        self.rate = arguments.fraction(owner, "rate", rate, allow_one=False)
        self.noise_shape = arguments.noise_shape(owner, noise_shape)
        self.seed = seed
        self.seed_generator = SeedGenerator(seed) if self.rate > 0 else None

    def call(self, inputs: Any, training: bool | None = None) -> Any:
        if not training or self.rate == 0:
            return inputs
        noise_shape = _validation.concrete_noise_shape(self, self.noise_shape, tuple(ops.shape(inputs)))
        draws = ops.uniform(noise_shape, dtype=self.compute_dtype, seed=self.seed_generator.next())
        kept = ops.cast(ops.greater_equal(draws, self.rate), ops.dtype(inputs))
        saturation = -SELU_ALPHA * SELU_SCALE
        scale = ((1.0 - self.rate) * (1.0 + self.rate * saturation**2)) ** -0.5
        shift = -scale * saturation * self.rate
        dropped = ops.add(ops.multiply(inputs, kept), ops.multiply(ops.subtract(1.0, kept), saturation))
        return ops.add(ops.multiply(dropped, scale), shift)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return input_shape

    def get_config(self) -> dict[str, Any]:
        noise_shape = None if self.noise_shape is None else list(self.noise_shape)
        return {**super().get_config(), "rate": self.rate, "noise_shape": noise_shape, "seed": self.seed}
