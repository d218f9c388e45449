"""ConvLSTM: the recurrent layer behind ConvLSTM1D, ConvLSTM2D and ConvLSTM3D."""

from __future__ import annotations

from typing import Any, ClassVar

from oneiros.layers import InputSpec

from oneiros_text.layers._cell_layer import CellLayer
from oneiros_text.layers._conv_lstm_cell import ConvLSTMCell
from oneiros_text.layers._state_inputs import sequences_shape


class ConvLSTM(CellLayer):
    """``RNN(ConvLSTMCell(rank, filters, kernel_size, ...))`` over inputs ``(batch, time,
    *spatial, channels)`` (channels first: ``(batch, time, channels, *spatial)``) with Keras 3's
    arguments, defaults and weights; the loop, masks, ``return_sequences``, ``return_state`` and
    ``go_backwards`` are :class:`RNN`'s. Subclasses fix ``rank``."""

    rank: ClassVar[int]
    cell_name = "conv_lstm_cell"

    def __init__(self, filters: int, kernel_size: Any, strides: Any = 1, padding: str = "valid",
                 data_format: str | None = None, dilation_rate: Any = 1, activation: Any = "tanh",
                 recurrent_activation: Any = "sigmoid", use_bias: bool = True,
                 kernel_initializer: Any = "glorot_uniform", recurrent_initializer: Any = "orthogonal",
                 bias_initializer: Any = "zeros", unit_forget_bias: bool = True, kernel_regularizer: Any = None,
                 recurrent_regularizer: Any = None, bias_regularizer: Any = None, activity_regularizer: Any = None,
                 kernel_constraint: Any = None, recurrent_constraint: Any = None, bias_constraint: Any = None,
                 dropout: float = 0.0, recurrent_dropout: float = 0.0, seed: int | None = None,
                 return_sequences: bool = False, return_state: bool = False, go_backwards: bool = False,
                 stateful: bool = False, **kwargs: Any):
        super().__init__(
            filters, kernel_size=kernel_size, strides=strides, padding=padding, data_format=data_format,
            dilation_rate=dilation_rate, activation=activation, recurrent_activation=recurrent_activation,
            use_bias=use_bias, kernel_initializer=kernel_initializer, recurrent_initializer=recurrent_initializer,
            bias_initializer=bias_initializer, unit_forget_bias=unit_forget_bias,
            kernel_regularizer=kernel_regularizer, recurrent_regularizer=recurrent_regularizer,
            bias_regularizer=bias_regularizer, activity_regularizer=activity_regularizer,
            kernel_constraint=kernel_constraint, recurrent_constraint=recurrent_constraint,
            bias_constraint=bias_constraint, dropout=dropout, recurrent_dropout=recurrent_dropout, seed=seed,
            return_sequences=return_sequences, return_state=return_state, go_backwards=go_backwards,
            stateful=stateful, **kwargs,
        )
        self.input_spec = InputSpec(ndim=self.rank + 3)

    def cell_class(self, filters: int, **arguments: Any) -> ConvLSTMCell:
        return ConvLSTMCell(self.rank, filters, **arguments)

    @property
    def filters(self) -> int:
        return self.cell.filters

    def compute_output_shape(self, input_shape: Any) -> Any:
        shape = sequences_shape(input_shape)
        state = (shape[0], *self.cell.output_size)
        output = (shape[0], shape[1], *state[1:]) if self.return_sequences else state
        return (output, state, state) if self.return_state else output
