"""SimpleRNNCell: one step of a fully connected recurrence."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from oneiros import ops

from oneiros_text.layers._cell import Masks, RecurrentCell, gate_projection


class SimpleRNNCell(RecurrentCell):
    """``h_t = activation(x_t @ kernel + bias + h_{t-1} @ recurrent_kernel)``; the output is ``h_t``.

    Arguments and weights as in Keras 3 (``kernel`` (input_dim, units), ``recurrent_kernel``
    (units, units), ``bias`` (units,)). Use it in :class:`RNN`, or call it on one step.

    Example::

        cell = SimpleRNNCell(8)
        output, [state] = cell(np.ones((2, 3), "float32"), [np.zeros((2, 8), "float32")])
        layer = RNN(SimpleRNNCell(8), return_sequences=True)
    """

    def step(self, inputs: Any, states: Sequence[Any], input_masks: Masks,
             recurrent_masks: Masks) -> tuple[Any, list[Any]]:
        projected = gate_projection(inputs, input_masks, self.kernel.value, ops.matmul)
        if self.bias is not None:
            projected = ops.add(projected, self.bias.value)
        recurrent = gate_projection(states[0], recurrent_masks, self.recurrent_kernel.value, ops.matmul)
        output = self.activation(ops.add(projected, recurrent))
        return output, [output]
