"""SimpleRNNCell: one step of a fully connected recurrence."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from oneiros import ops

from oneiros_text.layers._cell import RecurrentCell


class SimpleRNNCell(RecurrentCell):
    """``h_t = activation(x_t @ kernel + bias + h_{t-1} @ recurrent_kernel)``; the output is ``h_t``.

    Arguments and weights as in Keras 3 (``kernel`` (input_dim, units), ``recurrent_kernel``
    (units, units), ``bias`` (units,)). Use it in :class:`RNN`, or call it on one step.

    Example::

        cell = SimpleRNNCell(8)
        output, [state] = cell(np.ones((2, 3), "float32"), [np.zeros((2, 8), "float32")])
        layer = RNN(SimpleRNNCell(8), return_sequences=True)
    """

    def step(self, inputs: Any, states: Sequence[Any], recurrent_mask: Any) -> tuple[Any, list[Any]]:
        projected = ops.matmul(inputs, self.kernel.value)
        if self.bias is not None:
            projected = ops.add(projected, self.bias.value)
        previous = states[0]
        if recurrent_mask is not None:
            previous = ops.multiply(previous, recurrent_mask)
        output = self.activation(ops.add(projected, ops.matmul(previous, self.recurrent_kernel.value)))
        return output, [output]
