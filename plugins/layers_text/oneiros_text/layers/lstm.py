"""LSTM: the long short-term memory layer."""

from __future__ import annotations

from typing import Any

from oneiros_text.layers._cell_layer import CellLayer
from oneiros_text.layers.lstm_cell import LSTMCell


class LSTM(CellLayer):
    """``RNN(LSTMCell(units, ...))`` with Keras 3's arguments, defaults, gate order and weight
    layout (``kernel`` (input_dim, 4 * units), ``recurrent_kernel`` (units, 4 * units), ``bias``
    (4 * units,), gates i, f, c, o), so ``set_weights(keras_lstm.get_weights())`` reproduces a
    Keras 3 LSTM. See :class:`LSTMCell` for the step and :class:`RNN` for the loop's options and
    masks; ``stateful=True`` is refused.

    Example::

        model = oi.Sequential([oi.layers.Input((None,), dtype="int32"),
                               Embedding(20000, 128, mask_zero=True), LSTM(64), oi.layers.Dense(1)])
    """

    cell_class = LSTMCell
    cell_name = "lstm_cell"

    def __init__(self, units: int, activation: Any = "tanh", recurrent_activation: Any = "sigmoid",
                 use_bias: bool = True, kernel_initializer: Any = "glorot_uniform",
                 recurrent_initializer: Any = "orthogonal", bias_initializer: Any = "zeros",
                 unit_forget_bias: bool = True, kernel_regularizer: Any = None, recurrent_regularizer: Any = None,
                 bias_regularizer: Any = None, activity_regularizer: Any = None, kernel_constraint: Any = None,
                 recurrent_constraint: Any = None, bias_constraint: Any = None, dropout: float = 0.0,
                 recurrent_dropout: float = 0.0, seed: int | None = None, return_sequences: bool = False,
                 return_state: bool = False, go_backwards: bool = False, stateful: bool = False,
                 unroll: bool = False, zero_output_for_mask: bool = False, **kwargs: Any):
        super().__init__(
            units, activation=activation, recurrent_activation=recurrent_activation, use_bias=use_bias,
            kernel_initializer=kernel_initializer, recurrent_initializer=recurrent_initializer,
            bias_initializer=bias_initializer, unit_forget_bias=unit_forget_bias,
            kernel_regularizer=kernel_regularizer, recurrent_regularizer=recurrent_regularizer,
            bias_regularizer=bias_regularizer, activity_regularizer=activity_regularizer,
            kernel_constraint=kernel_constraint, recurrent_constraint=recurrent_constraint,
            bias_constraint=bias_constraint, dropout=dropout, recurrent_dropout=recurrent_dropout, seed=seed,
            return_sequences=return_sequences, return_state=return_state, go_backwards=go_backwards,
            stateful=stateful, unroll=unroll, zero_output_for_mask=zero_output_for_mask, **kwargs,
        )
