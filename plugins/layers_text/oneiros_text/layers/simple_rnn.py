"""SimpleRNN: a fully connected recurrent layer."""

from __future__ import annotations

from typing import Any

from oneiros_text.layers._cell_layer import CellLayer
from oneiros_text.layers.simple_rnn_cell import SimpleRNNCell


class SimpleRNN(CellLayer):
    """``RNN(SimpleRNNCell(units, ...))`` with Keras 3's arguments, defaults and weights
    (``kernel``, ``recurrent_kernel``, ``bias``). See :class:`RNN` for the loop's options and
    masks; ``stateful=True`` is refused.

    Example::

        layer = SimpleRNN(16, return_sequences=True)
        y = layer(np.ones((2, 5, 3), "float32"))        # shape (2, 5, 16)
    """

    cell_class = SimpleRNNCell
    cell_name = "simple_rnn_cell"

    def __init__(self, units: int, activation: Any = "tanh", use_bias: bool = True,
                 kernel_initializer: Any = "glorot_uniform", recurrent_initializer: Any = "orthogonal",
                 bias_initializer: Any = "zeros", kernel_regularizer: Any = None, recurrent_regularizer: Any = None,
                 bias_regularizer: Any = None, activity_regularizer: Any = None, kernel_constraint: Any = None,
                 recurrent_constraint: Any = None, bias_constraint: Any = None, dropout: float = 0.0,
                 recurrent_dropout: float = 0.0, return_sequences: bool = False, return_state: bool = False,
                 go_backwards: bool = False, stateful: bool = False, unroll: bool = False,
                 zero_output_for_mask: bool = False, seed: int | None = None, **kwargs: Any):
        super().__init__(
            units, activation=activation, use_bias=use_bias, kernel_initializer=kernel_initializer,
            recurrent_initializer=recurrent_initializer, bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer, recurrent_regularizer=recurrent_regularizer,
            bias_regularizer=bias_regularizer, activity_regularizer=activity_regularizer,
            kernel_constraint=kernel_constraint, recurrent_constraint=recurrent_constraint,
            bias_constraint=bias_constraint, dropout=dropout, recurrent_dropout=recurrent_dropout,
            return_sequences=return_sequences, return_state=return_state, go_backwards=go_backwards,
            stateful=stateful, unroll=unroll, zero_output_for_mask=zero_output_for_mask, seed=seed, **kwargs,
        )
