"""LSTMCell: one step of a long short-term memory (Hochreiter & Schmidhuber, 1997)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from oneiros import activations, arguments, ops

from oneiros_text.layers._cell import Masks, RecurrentCell, gate_projection


def lstm_update(cell: Any, z: Any, carry: Any, axis: int) -> tuple[Any, list[Any]]:
    """The LSTM gates from the pre-activations ``z`` (gates i, f, c, o stacked along ``axis``) and
    the previous carry: ``(h, [h, c])`` with ``cell``'s activation and recurrent_activation."""
    z_input, z_forget, z_cell, z_output = ops.split(z, 4, axis=axis)
    input_gate = cell.recurrent_activation(z_input)
    forget_gate = cell.recurrent_activation(z_forget)
    output_gate = cell.recurrent_activation(z_output)
    carry = ops.add(ops.multiply(forget_gate, carry), ops.multiply(input_gate, cell.activation(z_cell)))
    hidden = ops.multiply(output_gate, cell.activation(carry))
    return hidden, [hidden, carry]


class LSTMCell(RecurrentCell):
    """One LSTM step with Keras 3's gate order and weight layout, so weights are interchangeable:
    ``kernel`` (input_dim, 4 * units), ``recurrent_kernel`` (units, 4 * units) and ``bias``
    (4 * units,) hold the gates in the order input, forget, cell, output::

        z = x_t @ kernel + h_{t-1} @ recurrent_kernel + bias
        i, f, g, o = recurrent_activation(z_i), recurrent_activation(z_f), activation(z_g), recurrent_activation(z_o)
        c_t = f * c_{t-1} + i * g;   h_t = o * activation(c_t)

    With ``recurrent_dropout``, each gate gets its own input and recurrent dropout masks, as in
    Keras. The states are ``[h, c]`` and the output is ``h``. ``unit_forget_bias`` starts the forget
    gate's bias at 1 (Jozefowicz et al., 2015).

    Example::

        cell = LSTMCell(8)
        output, [h, c] = cell(np.ones((2, 3), "float32"))     # states default to zeros
    """

    gates = 4

    def __init__(self, units: int, activation: Any = "tanh", recurrent_activation: Any = "sigmoid",
                 use_bias: bool = True, kernel_initializer: Any = "glorot_uniform",
                 recurrent_initializer: Any = "orthogonal", bias_initializer: Any = "zeros",
                 unit_forget_bias: bool = True, kernel_regularizer: Any = None, recurrent_regularizer: Any = None,
                 bias_regularizer: Any = None, kernel_constraint: Any = None, recurrent_constraint: Any = None,
                 bias_constraint: Any = None, dropout: float = 0.0, recurrent_dropout: float = 0.0,
                 seed: int | None = None, **kwargs: Any):
        unit_forget_bias = arguments.flag(type(self).__name__, "unit_forget_bias", unit_forget_bias)
        super().__init__(units, activation=activation, use_bias=use_bias, kernel_initializer=kernel_initializer,
                         recurrent_initializer=recurrent_initializer, bias_initializer=bias_initializer,
                         kernel_regularizer=kernel_regularizer, recurrent_regularizer=recurrent_regularizer,
                         bias_regularizer=bias_regularizer, kernel_constraint=kernel_constraint,
                         recurrent_constraint=recurrent_constraint, bias_constraint=bias_constraint,
                         dropout=dropout, recurrent_dropout=recurrent_dropout, seed=seed, **kwargs)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.unit_forget_bias = unit_forget_bias

    @property
    def state_size(self) -> list[int]:
        return [self.units, self.units]

    def _full_bias_initializer(self) -> Any:
        if not self.unit_forget_bias:
            return self.bias_initializer
        units, gate_initializer = self.units, self.bias_initializer

        def initializer(shape: tuple, dtype: str = "float32") -> Any:
            return ops.concatenate([gate_initializer((units,), dtype), ops.ones((units,), dtype),
                                    gate_initializer((2 * units,), dtype)])

        return initializer

    @property
    def dropout_mask_count(self) -> int:
        return self.gates if self.recurrent_dropout else 1

    def step(self, inputs: Any, states: Sequence[Any], input_masks: Masks,
             recurrent_masks: Masks) -> tuple[Any, list[Any]]:
        hidden, carry = states
        z = ops.add(gate_projection(inputs, input_masks, self.kernel.value, ops.matmul),
                    gate_projection(hidden, recurrent_masks, self.recurrent_kernel.value, ops.matmul))
        if self.bias is not None:
            z = ops.add(z, self.bias.value)
        return lstm_update(self, z, carry, axis=-1)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "recurrent_activation": activations.serialize(self.recurrent_activation),
                "unit_forget_bias": self.unit_forget_bias}
