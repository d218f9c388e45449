"""GRUCell: one step of a gated recurrent unit (Cho et al., 2014)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from oneiros import activations, arguments, ops

from oneiros_text.layers._cell import Masks, RecurrentCell, gate_projection


class GRUCell(RecurrentCell):
    """One GRU step with Keras 3's gate order and weight layout, so weights are interchangeable:
    ``kernel`` (input_dim, 3 * units) and ``recurrent_kernel`` (units, 3 * units) hold the
    update (z), reset (r) and candidate (h) gates in that order. With ``reset_after=True`` (the
    default, cuDNN-compatible) ``bias`` is (2, 3 * units): row 0 for the inputs, row 1 for the
    recurrent part, and the reset gate multiplies the recurrent candidate after its matmul::

        x_z, x_r, x_h = x_t @ kernel + bias[0]
        r_z, r_r, r_h = h_{t-1} @ recurrent_kernel + bias[1]
        z = recurrent_activation(x_z + r_z);  r = recurrent_activation(x_r + r_r)
        h_t = z * h_{t-1} + (1 - z) * activation(x_h + r * r_h)

    With ``reset_after=False`` ``bias`` is (3 * units,) and the candidate is
    ``activation(x_h + (r * h_{t-1}) @ recurrent_kernel[:, 2 * units:])``. With
    ``recurrent_dropout``, each gate gets its own input and recurrent dropout masks, as in Keras.

    Example::

        cell = GRUCell(8)
        output, [h] = cell(np.ones((2, 3), "float32"))
    """

    gates = 3

    def __init__(self, units: int, activation: Any = "tanh", recurrent_activation: Any = "sigmoid",
                 use_bias: bool = True, kernel_initializer: Any = "glorot_uniform",
                 recurrent_initializer: Any = "orthogonal", bias_initializer: Any = "zeros",
                 kernel_regularizer: Any = None, recurrent_regularizer: Any = None, bias_regularizer: Any = None,
                 kernel_constraint: Any = None, recurrent_constraint: Any = None, bias_constraint: Any = None,
                 dropout: float = 0.0, recurrent_dropout: float = 0.0, reset_after: bool = True,
                 seed: int | None = None, **kwargs: Any):
        reset_after = arguments.flag(type(self).__name__, "reset_after", reset_after)
        super().__init__(units, activation=activation, use_bias=use_bias, kernel_initializer=kernel_initializer,
                         recurrent_initializer=recurrent_initializer, bias_initializer=bias_initializer,
                         kernel_regularizer=kernel_regularizer, recurrent_regularizer=recurrent_regularizer,
                         bias_regularizer=bias_regularizer, kernel_constraint=kernel_constraint,
                         recurrent_constraint=recurrent_constraint, bias_constraint=bias_constraint,
                         dropout=dropout, recurrent_dropout=recurrent_dropout, seed=seed, **kwargs)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.reset_after = reset_after

    def _bias_shape(self) -> tuple[int, ...]:
        return (2, 3 * self.units) if self.reset_after else (3 * self.units,)

    @property
    def dropout_mask_count(self) -> int:
        return self.gates if self.recurrent_dropout else 1

    def step(self, inputs: Any, states: Sequence[Any], input_masks: Masks,
             recurrent_masks: Masks) -> tuple[Any, list[Any]]:
        projected = gate_projection(inputs, input_masks, self.kernel.value, ops.matmul)
        if self.bias is not None:
            input_bias = ops.take(self.bias.value, 0, axis=0) if self.reset_after else self.bias.value
            projected = ops.add(projected, input_bias)
        previous = states[0]
        x_z, x_r, x_h = ops.split(projected, 3, axis=-1)
        units = self.units
        if self.reset_after:
            inner = gate_projection(previous, recurrent_masks, self.recurrent_kernel.value, ops.matmul)
            if self.bias is not None:
                inner = ops.add(inner, ops.take(self.bias.value, 1, axis=0))
            r_z, r_r, r_h = ops.split(inner, 3, axis=-1)
            update = self.recurrent_activation(ops.add(x_z, r_z))
            reset = self.recurrent_activation(ops.add(x_r, r_r))
            candidate_recurrent = ops.multiply(reset, r_h)
        else:
            gates_kernel, candidate_kernel = ops.split(self.recurrent_kernel.value, [2 * units], axis=1)
            gate_masks = None if recurrent_masks is None else recurrent_masks[:2]
            r_z, r_r = ops.split(gate_projection(previous, gate_masks, gates_kernel, ops.matmul), 2, axis=-1)
            update = self.recurrent_activation(ops.add(x_z, r_z))
            reset = self.recurrent_activation(ops.add(x_r, r_r))
            candidate_input = previous if recurrent_masks is None else ops.multiply(previous, recurrent_masks[-1])
            candidate_recurrent = ops.matmul(ops.multiply(reset, candidate_input), candidate_kernel)
        candidate = self.activation(ops.add(x_h, candidate_recurrent))
        hidden = ops.add(ops.multiply(update, previous), ops.multiply(ops.subtract(1.0, update), candidate))
        return hidden, [hidden]

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "recurrent_activation": activations.serialize(self.recurrent_activation),
                "reset_after": self.reset_after}
