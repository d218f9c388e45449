"""Activation: applies an activation function to its inputs."""

from __future__ import annotations

from typing import Any

from oneiros import activations
from oneiros.layers.layer import Layer


class Activation(Layer):
    """Applies ``activation`` element-wise (or along the last axis, for softmax).

    Example::

        layer = oi.layers.Activation("relu")
        y = layer(np.array([[-1.0, 2.0]], "float32"))     # [[0.0, 2.0]]
    """

    supports_masking = True

    def __init__(self, activation: Any, **kwargs: Any):
        super().__init__(**kwargs)
        self.activation = activations.get(activation)

    def call(self, inputs: Any) -> Any:
        return self.activation(inputs)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return input_shape

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "activation": activations.serialize(self.activation)}
