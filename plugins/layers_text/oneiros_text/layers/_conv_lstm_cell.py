"""ConvLSTMCell: an LSTM step whose input and recurrent products are convolutions."""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any

from oneiros import activations, ops
from oneiros.arguments import choice, flag
from oneiros_text.layers._cell import Masks, RecurrentCell, gate_projection
from oneiros_text.layers.lstm_cell import LSTMCell, lstm_update


def int_tuple(owner: str, argument: str, value: Any, rank: int) -> tuple[int, ...]:
    """An int >= 1, or ``rank`` of them, as a tuple of ``rank`` ints."""
    values = (value,) * rank if isinstance(value, numbers.Integral) else value
    if not isinstance(values, (list, tuple)) or len(values) != rank or not all(
            isinstance(v, numbers.Integral) and not isinstance(v, bool) and v >= 1 for v in values):
        raise ValueError(f"{owner}: argument `{argument}` must be an int >= 1 or {rank} of them; "
                         f"received {argument}={value!r}.")
    return tuple(int(v) for v in values)


def conv_length(length: int | None, kernel: int, stride: int, dilation: int, padding: str) -> int | None:
    """Output length of a convolution along one axis (Keras's rule)."""
    if length is None:
        return None
    if padding == "same":
        return -(-length // stride)
    return (length - dilation * (kernel - 1) - 1) // stride + 1


class ConvLSTMCell(RecurrentCell):
    """One ConvLSTM step (Shi et al., 2015) with Keras 3's weights: ``kernel``
    ``(*kernel_size, channels, 4 * filters)``, ``recurrent_kernel`` ``(*kernel_size, filters,
    4 * filters)`` and ``bias`` ``(4 * filters,)``, gates in the order input, forget, cell, output::

        z = conv(x_t, kernel, strides, padding, dilation) + conv(h_{t-1}, recurrent_kernel, "same") + bias

    then the LSTM gates of :class:`LSTMCell`. States ``[h, c]`` have the output's shape
    ``(batch, *spatial, filters)`` (channels first: ``(batch, filters, *spatial)``). The cell's
    ``units`` are its ``filters``; dropout masks are drawn once per sequence, over whole inputs
    and states, one per gate as in Keras.
    """

    gates = 4
    dropout_mask_count = 4  # Keras's ConvLSTMCell draws one mask per gate, with or without recurrent dropout

    def __init__(self, rank: int, filters: int, kernel_size: Any, strides: Any = 1, padding: str = "valid",
                 data_format: str | None = None, dilation_rate: Any = 1, activation: Any = "tanh",
                 recurrent_activation: Any = "sigmoid", unit_forget_bias: bool = True, **arguments: Any):
        owner = f"ConvLSTM{rank}D"
        kernel_size = int_tuple(owner, "kernel_size", kernel_size, rank)
        strides = int_tuple(owner, "strides", strides, rank)
        dilation_rate = int_tuple(owner, "dilation_rate", dilation_rate, rank)
        if max(strides) > 1 and max(dilation_rate) > 1:
            raise ValueError(f"{owner}: `strides > 1` and `dilation_rate > 1` cannot be combined; received "
                             f"strides={strides} and dilation_rate={dilation_rate}.")
        padding = choice(owner, "padding", padding.lower() if isinstance(padding, str) else padding,
                         ("valid", "same"))
        data_format = choice(owner, "data_format", data_format or "channels_last",
                             ("channels_last", "channels_first"))
        unit_forget_bias = flag(owner, "unit_forget_bias", unit_forget_bias)
        super().__init__(filters, activation=activation, **arguments)
        self.rank = rank
        self.kernel_size = kernel_size
        self.strides = strides
        self.padding = padding
        self.data_format = data_format
        self.dilation_rate = dilation_rate
        self.recurrent_activation = activations.get(recurrent_activation)
        self.unit_forget_bias = unit_forget_bias
        self._state_shape: tuple[int, ...] | None = None

    @property
    def filters(self) -> int:
        return self.units

    def build(self, input_shape: tuple) -> None:
        channels_last = self.data_format == "channels_last"
        spatial = tuple(input_shape[1:-1] if channels_last else input_shape[2:])
        channels = input_shape[-1] if channels_last else input_shape[1]
        if None in spatial or channels is None:
            raise ValueError(f"ConvLSTM{self.rank}D {self.name!r} needs known spatial sizes and channels; received "
                             f"step inputs of shape {tuple(input_shape)}.")
        self._input_shape = (*spatial, channels) if channels_last else (channels, *spatial)
        output_spatial = tuple(conv_length(*sizes, self.padding) for sizes in
                               zip(spatial, self.kernel_size, self.strides, self.dilation_rate))
        if any(size <= 0 for size in output_spatial):
            raise ValueError(f"ConvLSTM{self.rank}D {self.name!r}: inputs of spatial size {spatial} are smaller than "
                             f"the kernel {self.kernel_size} with dilation {self.dilation_rate}.")
        self._state_shape = (*output_spatial, self.filters) if channels_last else (self.filters, *output_spatial)
        width = self.gates * self.filters
        self.kernel = self.add_weight(shape=(*self.kernel_size, channels, width), initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer, constraint=self.kernel_constraint,
                                      name="kernel")
        self.recurrent_kernel = self.add_weight(
            shape=(*self.kernel_size, self.filters, width), initializer=self.recurrent_initializer,
            regularizer=self.recurrent_regularizer, constraint=self.recurrent_constraint, name="recurrent_kernel")
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(shape=(width,), initializer=self._full_bias_initializer(),
                                        regularizer=self.bias_regularizer, constraint=self.bias_constraint,
                                        name="bias")

    _full_bias_initializer = LSTMCell._full_bias_initializer

    @property
    def state_size(self) -> list[tuple[int, ...]]:
        return [self._state_shape, self._state_shape]

    @property
    def output_size(self) -> tuple[int, ...] | None:
        return self._state_shape

    def get_initial_state(self, batch_size: int) -> list[Any]:
        return [ops.zeros((batch_size, *self._state_shape), self.compute_dtype) for _ in range(2)]

    def dropout_mask_shapes(self, batch_size: int, input_dim: int) -> tuple[tuple, tuple]:
        return (batch_size, *self._input_shape), (batch_size, *self._state_shape)

    def step(self, inputs: Any, states: Sequence[Any], input_masks: Masks,
             recurrent_masks: Masks) -> tuple[Any, list[Any]]:
        hidden, carry = states
        channel_axis = -1 if self.data_format == "channels_last" else 1

        def input_conv(value: Any, kernel: Any) -> Any:
            return ops.conv(value, kernel, strides=self.strides, padding=self.padding, data_format=self.data_format,
                            dilation_rate=self.dilation_rate)

        def recurrent_conv(value: Any, kernel: Any) -> Any:
            return ops.conv(value, kernel, strides=1, padding="same", data_format=self.data_format)

        z = ops.add(gate_projection(inputs, input_masks, self.kernel.value, input_conv, axis=channel_axis),
                    gate_projection(hidden, recurrent_masks, self.recurrent_kernel.value, recurrent_conv,
                                    axis=channel_axis))
        if self.bias is not None:
            bias_shape = [1] * (self.rank + 2)
            bias_shape[channel_axis] = self.gates * self.filters
            z = ops.add(z, ops.reshape(self.bias.value, tuple(bias_shape)))
        return lstm_update(self, z, carry, axis=channel_axis)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.pop("units")
        return {**config, "filters": self.filters, "kernel_size": list(self.kernel_size),
                "strides": list(self.strides), "padding": self.padding, "data_format": self.data_format,
                "dilation_rate": list(self.dilation_rate),
                "recurrent_activation": activations.serialize(self.recurrent_activation),
                "unit_forget_bias": self.unit_forget_bias}
