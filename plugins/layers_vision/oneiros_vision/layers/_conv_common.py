"""What every convolution layer does after convolving: bias, activation, activity loss."""

from __future__ import annotations

from typing import Any

from oneiros import ops
from oneiros.layers import Layer

from oneiros_vision.layers._shapes import channel_axis


def add_channel_bias(outputs: Any, bias: Any, data_format: str) -> Any:
    """``outputs + bias`` with the bias on the channels axis (last, or 1 for channels-first)."""
    if channel_axis(data_format) == -1:
        return ops.add(outputs, bias)
    trailing = len(ops.shape(outputs)) - 2
    return ops.add(outputs, ops.reshape(bias, (ops.shape(bias)[0],) + (1,) * trailing))


def finish(layer: Layer, outputs: Any) -> Any:
    """Bias (when the layer has one), then the activation."""
    if layer.bias is not None:
        outputs = add_channel_bias(outputs, layer.bias.value, layer.data_format)
    return layer.activation(outputs)
