"""GaussianDropout: multiplies by noise of mean 1 while training."""

from __future__ import annotations

import math
from typing import Any

from oneiros import arguments, ops
from oneiros.layers.layer import Layer
from oneiros.layers.seed_generator import SeedGenerator


class GaussianDropout(Layer):
    """Multiplies every entry by noise from N(1, rate / (1 - rate)) during training; outside
    training it returns its inputs. The noise has the mean and variance of dropout's scaling.

    ``rate`` must be below 1 (the noise variance is unbounded at 1).

    Example::

        layer = oi.layers.GaussianDropout(0.2, seed=1)
        layer(x, training=True)         # x * N(1, 0.25)
    """

    supports_masking = True

    def __init__(self, rate: float, seed: int | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        self.rate = arguments.fraction(type(self).__name__, "rate", rate, allow_one=False)
        self.seed = seed
        self.seed_generator = SeedGenerator(seed) if self.rate > 0 else None

    def call(self, inputs: Any, training: bool | None = None) -> Any:
        if not training or self.rate == 0:
            return inputs
        stddev = math.sqrt(self.rate / (1.0 - self.rate))
        noise = ops.normal(tuple(ops.shape(inputs)), mean=1.0, stddev=stddev, dtype=self.compute_dtype,
                           seed=self.seed_generator.next())
        return ops.multiply(inputs, noise)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return input_shape

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "rate": self.rate, "seed": self.seed}
