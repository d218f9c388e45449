"""LeakyReLU: ``x`` for positive inputs, ``negative_slope * x`` for negative ones."""

from __future__ import annotations

import warnings
from typing import Any

from oneiros import arguments, activations
from oneiros.layers.layer import Layer


class LeakyReLU(Layer):
    """Lets a small gradient through below zero (Keras's ``layers.LeakyReLU``; the Keras 2
    argument ``alpha`` is still accepted, with a deprecation warning, as Keras 3 does).

    Example::

        layer = oi.layers.LeakyReLU(negative_slope=0.5)
        y = layer(np.array([-10.0, 0.0, 10.0], "float32"))   # [-5, 0, 10]
    """

    supports_masking = True

    def __init__(self, negative_slope: float = 0.3, **kwargs: Any):
        if "alpha" in kwargs:
            negative_slope = kwargs.pop("alpha")
            warnings.warn("LeakyReLU: argument `alpha` is deprecated; use `negative_slope` instead.",
                          DeprecationWarning, stacklevel=2)
        self.negative_slope = arguments.real(type(self).__name__, "negative_slope", negative_slope, minimum=0.0)
        super().__init__(**kwargs)

    def call(self, inputs: Any) -> Any:
        return activations.leaky_relu(inputs, negative_slope=self.negative_slope)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return input_shape

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "negative_slope": self.negative_slope}
