"""GlobalAveragePooling1D: mean over every step, ignoring masked steps."""

from __future__ import annotations

from typing import Any

from oneiros import ops

from oneiros_vision.layers._base_global_pooling import BaseGlobalPooling
from oneiros_vision.layers._casting import floating
from oneiros_vision.layers._shapes import spatial_axes


class GlobalAveragePooling1D(BaseGlobalPooling):
    """The mean over the steps of its inputs, per channel. With a mask ``(batch, steps)`` (from
    an Embedding with ``mask_zero`` or a Masking layer), only the unmasked steps count; a row
    with every step masked gives zeros.

    Example::

        layer = oi.layers.GlobalAveragePooling1D()
        y = layer(np.zeros((2, 10, 4), "float32"))      # shape (2, 4)
    """

    rank = 1
    pool_mode = "average"
    supports_masking = True

    def call(self, inputs: Any, mask: Any = None) -> Any:
        if mask is None:
            return super().call(inputs)
        steps_axis = spatial_axes(self.data_format, 1)[0]
        weights = ops.expand_dims(ops.cast(mask, self.compute_dtype), 2 if steps_axis == 1 else 1)
        inputs = floating(inputs, self.compute_dtype)
        total = ops.sum(ops.multiply(inputs, weights), axis=steps_axis, keepdims=self.keepdims)
        count = ops.sum(weights, axis=steps_axis, keepdims=self.keepdims)
        return ops.divide(total, ops.maximum(count, 1.0))

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        return None
