"""What the convolution layers share: their window and weight arguments, and what they do after
convolving (bias, activation)."""

from __future__ import annotations

from typing import Any

from oneiros import activations, arguments, constraints, initializers, ops, regularizers
from oneiros.layers import InputSpec, Layer

from oneiros_vision.layers._config import as_list
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


def set_window_arguments(layer: Layer, kernel_size: Any, strides: Any, padding: Any, data_format: Any,
                         dilation_rate: Any, paddings: tuple[str, ...] = ("valid", "same")) -> None:
    """Checks and stores ``kernel_size``, ``strides``, ``padding``, ``data_format`` and ``dilation_rate``
    (ints or one per spatial axis of ``layer.rank``)."""
    owner, rank = type(layer).__name__, layer.rank
    layer.kernel_size = arguments.int_tuple(owner, "kernel_size", kernel_size, rank)
    layer.strides = arguments.int_tuple(owner, "strides", strides, rank)
    layer.padding = arguments.choice(owner, "padding", padding, paddings)
    layer.data_format = arguments.data_format(owner, data_format)
    layer.dilation_rate = arguments.int_tuple(owner, "dilation_rate", dilation_rate, rank)


def window_config(layer: Layer) -> dict[str, Any]:
    """The config entries of the arguments :func:`set_window_arguments` stores."""
    return {"kernel_size": as_list(layer.kernel_size), "strides": as_list(layer.strides), "padding": layer.padding,
            "data_format": layer.data_format, "dilation_rate": as_list(layer.dilation_rate)}


def set_weight_arguments(layer: Layer, activation: Any, use_bias: Any, **weight_arguments: Any) -> None:
    """Stores ``activation``, ``use_bias`` and each ``*_initializer``, ``*_regularizer`` and
    ``*_constraint`` argument resolved by name, and the input spec of a ``layer.rank`` convolution."""
    by_suffix = (("_initializer", initializers.get), ("_regularizer", regularizers.get),
                 ("_constraint", constraints.get))
    layer.activation = activations.get(activation)
    layer.use_bias = bool(use_bias)
    for name, value in weight_arguments.items():
        getter = next(function for suffix, function in by_suffix if name.endswith(suffix))
        setattr(layer, name, getter(value))
    layer.input_spec = InputSpec(ndim=layer.rank + 2)


def build_bias(layer: Layer, size: int, axis: int, channels: int) -> None:
    """The bias of ``size`` outputs (None without ``use_bias``), and the input spec now that the
    ``channels`` on ``axis`` are known."""
    layer.bias = None
    if layer.use_bias:
        layer.bias = layer.add_weight(shape=(size,), initializer=layer.bias_initializer,
                                      regularizer=layer.bias_regularizer, constraint=layer.bias_constraint,
                                      name="bias")
    layer.input_spec = InputSpec(ndim=layer.rank + 2, axes={axis: channels})
