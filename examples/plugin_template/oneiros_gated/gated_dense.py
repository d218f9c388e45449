"""GatedDense: ``(x @ W + b) * sigmoid(x @ V + c)``, a gated linear unit on the last axis."""

from __future__ import annotations

from typing import Any

from oneiros import ops
from oneiros.layers import Layer


class GatedDense(Layer):
    """A dense layer whose output is multiplied by a learned sigmoid gate.

    Example::

        layer = GatedDense(8)
        y = layer(np.ones((2, 3), "float32"))    # shape (2, 8)
    """

    def __init__(self, units: int, **kwargs: Any):
        super().__init__(**kwargs)
        if not isinstance(units, int) or units <= 0:
            raise ValueError(f"GatedDense units must be a positive int; received {units!r}.")
        self.units = units

    def build(self, input_shape: tuple) -> None:
        features = input_shape[-1]
        self.kernel = self.add_weight((features, self.units), "glorot_uniform", name="kernel")
        self.bias = self.add_weight((self.units,), "zeros", name="bias")
        self.gate_kernel = self.add_weight((features, self.units), "glorot_uniform", name="gate_kernel")
        self.gate_bias = self.add_weight((self.units,), "zeros", name="gate_bias")

    def call(self, inputs: Any) -> Any:
        value = ops.add(ops.matmul(inputs, self.kernel.value), self.bias.value)
        gate = ops.sigmoid(ops.add(ops.matmul(inputs, self.gate_kernel.value), self.gate_bias.value))
        return ops.multiply(value, gate)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return (*input_shape[:-1], self.units)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "units": self.units}
