"""ActivityRegularization: adds an L1/L2 penalty on the activations passing through."""

from __future__ import annotations

from typing import Any

from oneiros import ops, regularizers
from oneiros.layers.layer import Layer


class ActivityRegularization(Layer):
    """Returns its inputs unchanged and adds ``(l1 * sum(|x|) + l2 * sum(x ** 2)) / batch_size``
    to the training loss (divided by the batch size, as Keras 3 does for activity penalties).

    Example::

        model = oi.Sequential([oi.layers.Dense(64), oi.layers.ActivityRegularization(l1=1e-4)])
    """

    supports_masking = True

    def __init__(self, l1: float = 0.0, l2: float = 0.0, **kwargs: Any):
        super().__init__(**kwargs)
        self.penalty = regularizers.L1L2(l1=l1, l2=l2)
        self.l1 = self.penalty.l1
        self.l2 = self.penalty.l2

    def call(self, inputs: Any) -> Any:
        shape = tuple(ops.shape(inputs))
        penalty = self.penalty(inputs)
        self.add_loss(ops.divide(penalty, float(max(shape[0], 1))) if shape else penalty)
        return inputs

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return input_shape

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "l1": self.l1, "l2": self.l2}
