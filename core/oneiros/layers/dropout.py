"""Dropout: zeroes random entries while training and scales the rest by 1 / (1 - rate)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from oneiros import arguments, ops
import oneiros.layers._validation as _validation
from oneiros.layers.layer import Layer
from oneiros.layers.seed_generator import SeedGenerator


class Dropout(Layer):
    """Sets each input entry to 0 with probability ``rate`` during training (``training=True``);
    kept entries are scaled by ``1 / (1 - rate)`` so the expected sum is unchanged. Outside
    training the layer returns its inputs.

    ``noise_shape`` (without or with ``None`` for the input's sizes) shares one keep/drop draw
    along axes of size 1, e.g. ``(None, 1, None)`` drops whole features of a sequence.

    Example::

        layer = oi.layers.Dropout(0.5, seed=1)
        layer(x, training=True)         # about half of x zeroed, the rest doubled
        layer(x)                        # x
    """

    supports_masking = True

    def __init__(self, rate: float, noise_shape: Sequence[int | None] | None = None, seed: int | None = None,
                 **kwargs: Any):
        super().__init__(**kwargs)
        owner = type(self).__name__
        self.rate = arguments.fraction(owner, "rate", rate)
        self.noise_shape = arguments.noise_shape(owner, noise_shape)
        self.seed = seed
        self.seed_generator = SeedGenerator(seed) if self.rate > 0 else None

    def call(self, inputs: Any, training: bool | None = None) -> Any:
        if not training or self.rate == 0:
            return inputs
        if self.rate == 1:
            return ops.zeros_like(inputs)
        noise_shape = self._noise_shape_for(tuple(ops.shape(inputs)))
        return ops.dropout(inputs, self.rate, noise_shape=noise_shape, seed=self.seed_generator.next())

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return input_shape

    def get_config(self) -> dict[str, Any]:
        noise_shape = None if self.noise_shape is None else list(self.noise_shape)
        return {**super().get_config(), "rate": self.rate, "noise_shape": noise_shape, "seed": self.seed}

    def _noise_shape_for(self, input_shape: tuple[int, ...]) -> tuple[int, ...]:
        return _validation.concrete_noise_shape(self, self.noise_shape, input_shape)
