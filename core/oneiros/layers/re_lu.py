"""ReLU: the rectified linear unit as a layer, with a cap, a threshold and a negative slope."""

from __future__ import annotations

from typing import Any

from oneiros import arguments, activations
from oneiros.layers.layer import Layer


class ReLU(Layer):
    """``max_value`` above it, ``x`` between ``threshold`` and ``max_value``, and
    ``negative_slope * (x - threshold)`` below ``threshold`` (Keras's ``layers.ReLU``).

    Example::

        layer = oi.layers.ReLU(max_value=10, negative_slope=0.5)
        y = layer(np.array([-10.0, -5.0, 0.0, 5.0, 12.0], "float32"))   # [-5, -2.5, 0, 5, 10]
    """

    supports_masking = True

    def __init__(self, max_value: float | None = None, negative_slope: float = 0.0, threshold: float = 0.0,
                 **kwargs: Any):
        owner = type(self).__name__
        self.max_value = None if max_value is None else arguments.real(owner, "max_value", max_value, minimum=0.0)
        self.negative_slope = arguments.real(owner, "negative_slope", negative_slope, minimum=0.0)
        self.threshold = arguments.real(owner, "threshold", threshold, minimum=0.0)
        super().__init__(**kwargs)

    def call(self, inputs: Any) -> Any:
        return activations.relu(inputs, negative_slope=self.negative_slope, max_value=self.max_value,
                                threshold=self.threshold)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return input_shape

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "max_value": self.max_value, "negative_slope": self.negative_slope,
                "threshold": self.threshold}
