"""GRU: the gated recurrent unit layer."""

from __future__ import annotations

from typing import Any

from oneiros_text.layers._cell_layer import CellLayer
from oneiros_text.layers.gru_cell import GRUCell


class GRU(CellLayer):
    """``RNN(GRUCell(units, ...))`` with Keras 3's arguments, defaults, gate order and weight
    layout (``reset_after=True`` by default, ``bias`` of shape (2, 3 * units)), so Keras 3 GRU
    weights load unchanged. See :class:`GRUCell` for the step and :class:`RNN` for the loop's
    options and masks; ``stateful=True`` is refused.

    Example::

        layer = GRU(32, return_sequences=True, go_backwards=True)
        y = layer(np.ones((2, 7, 4), "float32"))        # shape (2, 7, 32), in reversed time order
    """

    cell_class = GRUCell
    cell_name = "gru_cell"

    def __init__(self, units: int, activation: Any = "tanh", recurrent_activation: Any = "sigmoid",
                 use_bias: bool = True, kernel_initializer: Any = "glorot_uniform",
                 recurrent_initializer: Any = "orthogonal", bias_initializer: Any = "zeros",
                 kernel_regularizer: Any = None, recurrent_regularizer: Any = None, bias_regularizer: Any = None,
                 activity_regularizer: Any = None, kernel_constraint: Any = None, recurrent_constraint: Any = None,
                 bias_constraint: Any = None, dropout: float = 0.0, recurrent_dropout: float = 0.0,
                 seed: int | None = None, return_sequences: bool = False, return_state: bool = False,
                 go_backwards: bool = False, stateful: bool = False, unroll: bool = False,
                 reset_after: bool = True, zero_output_for_mask: bool = False, **kwargs: Any):
        super().__init__(
            units, activation=activation, recurrent_activation=recurrent_activation, use_bias=use_bias,
            kernel_initializer=kernel_initializer, recurrent_initializer=recurrent_initializer,
            bias_initializer=bias_initializer, kernel_regularizer=kernel_regularizer,
            recurrent_regularizer=recurrent_regularizer, bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer, kernel_constraint=kernel_constraint,
            recurrent_constraint=recurrent_constraint, bias_constraint=bias_constraint, dropout=dropout,
            recurrent_dropout=recurrent_dropout, seed=seed, return_sequences=return_sequences,
            return_state=return_state, go_backwards=go_backwards, stateful=stateful, unroll=unroll,
            reset_after=reset_after, zero_output_for_mask=zero_output_for_mask, **kwargs,
        )
