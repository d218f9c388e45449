"""Masking: marks the timesteps whose features all equal ``mask_value`` as padding."""

from __future__ import annotations

import numbers
from typing import Any

from oneiros import ops
from oneiros.layers.layer import Layer


class Masking(Layer):
    """For inputs ``(batch, steps, features)``, a step is masked when every feature equals
    ``mask_value``. Masked steps are set to 0 in the output, and the mask ``(batch, steps)``
    (True = keep) is passed to the following layers that use masks (recurrent layers,
    BatchNormalization, the merging layers...).

    Example::

        model = oi.Sequential([oi.layers.Input((None, 3)), oi.layers.Masking(0.0), oi.layers.LSTM(8)])
    """

    supports_masking = True

    def __init__(self, mask_value: float = 0.0, **kwargs: Any):
        super().__init__(**kwargs)
        if isinstance(mask_value, bool) or not isinstance(mask_value, numbers.Real):
            raise ValueError(f"Masking: argument `mask_value` must be a number; received mask_value={mask_value!r}.")
        self.mask_value = mask_value

    def call(self, inputs: Any) -> Any:
        keep = ops.any(ops.not_equal(inputs, self.mask_value), axis=-1, keepdims=True)
        return ops.where(keep, inputs, ops.zeros_like(inputs))

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return input_shape

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        return ops.any(ops.not_equal(inputs, self.mask_value), axis=-1)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "mask_value": self.mask_value}
