"""GaussianNoise: adds zero-centred normal noise while training."""

from __future__ import annotations

from typing import Any

from oneiros import arguments, ops
from oneiros.layers.layer import Layer
from oneiros.layers.seed_generator import SeedGenerator


class GaussianNoise(Layer):
    """Adds noise drawn from N(0, ``stddev``²) to every entry during training; outside training
    it returns its inputs. A regularizer, and a form of data augmentation for real inputs.

    Example::

        layer = oi.layers.GaussianNoise(0.1, seed=1)
        layer(x, training=True)         # x + noise of standard deviation 0.1
    """

    supports_masking = True

    def __init__(self, stddev: float, seed: int | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        self.stddev = arguments.fraction(type(self).__name__, "stddev", stddev)
        self.seed = seed
        self.seed_generator = SeedGenerator(seed) if self.stddev > 0 else None

    def call(self, inputs: Any, training: bool | None = None) -> Any:
        if not training or self.stddev == 0:
            return inputs
        noise = ops.normal(tuple(ops.shape(inputs)), mean=0.0, stddev=self.stddev, dtype=self.compute_dtype,
                           seed=self.seed_generator.next())
        return ops.add(inputs, noise)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return input_shape

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "stddev": self.stddev, "seed": self.seed}
