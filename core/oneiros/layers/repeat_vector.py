"""RepeatVector: repeats each sample's vector n times along a new axis."""

from __future__ import annotations

from typing import Any

from oneiros import arguments, ops
import oneiros.layers._validation as _validation
from oneiros.layers.layer import InputSpec, Layer


class RepeatVector(Layer):
    """Turns inputs ``(batch, features)`` into ``(batch, n, features)`` by repetition.

    Example::

        y = oi.layers.RepeatVector(3)(np.zeros((2, 5), "float32"))    # shape (2, 3, 5)
    """

    def __init__(self, n: int, **kwargs: Any):
        super().__init__(**kwargs)
        self.n = arguments.positive_int(type(self).__name__, "n", n)
        self.input_spec = InputSpec(ndim=2)

    def call(self, inputs: Any) -> Any:
        return ops.repeat(ops.expand_dims(inputs, 1), self.n, axis=1)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return (input_shape[0], self.n, input_shape[1])

    def compute_output_dtype(self, input_dtype: Any) -> Any:
        return _validation.passthrough_dtype(self, input_dtype)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "n": self.n}
