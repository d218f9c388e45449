"""Flatten: every axis but the batch axis folded into one."""

from __future__ import annotations

import math
from typing import Any

from oneiros import arguments, ops
import oneiros.layers._validation as _validation
from oneiros.layers.layer import InputSpec, Layer


class Flatten(Layer):
    """Reshapes ``(batch, d1, d2, ...)`` to ``(batch, d1 * d2 * ...)`` (``(batch,)`` to ``(batch, 1)``).

    With ``data_format="channels_first"`` the channels axis is moved last before flattening, so
    the flattened order matches a channels-last model's.

    Example::

        y = oi.layers.Flatten()(np.zeros((2, 3, 4), "float32"))    # shape (2, 12)
    """

    def __init__(self, data_format: str | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        self.data_format = arguments.data_format(type(self).__name__, data_format)
        self.input_spec = InputSpec(min_ndim=1)

    def call(self, inputs: Any) -> Any:
        shape = tuple(ops.shape(inputs))
        if self.data_format == "channels_first" and len(shape) > 2:
            inputs = ops.transpose(inputs, (0, *range(2, len(shape)), 1))
        return ops.reshape(inputs, (shape[0], math.prod(shape[1:])))

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        features = input_shape[1:]
        size = None if any(dim is None for dim in features) else math.prod(features)
        return (input_shape[0], size)

    def compute_output_dtype(self, input_dtype: Any) -> Any:
        return _validation.passthrough_dtype(self, input_dtype)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "data_format": self.data_format}
