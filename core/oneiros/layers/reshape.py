"""Reshape: gives each sample a new shape with the same number of entries."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from oneiros import ops
import oneiros.layers._validation as _validation
from oneiros.layers.layer import Layer


class Reshape(Layer):
    """Reshapes each sample (the batch axis is kept) to ``target_shape``; one entry may be -1,
    meaning "whatever size keeps the number of entries".

    Example::

        y = oi.layers.Reshape((-1, 2))(np.zeros((5, 3, 4), "float32"))   # shape (5, 6, 2)
    """

    def __init__(self, target_shape: Sequence[int], **kwargs: Any):
        super().__init__(**kwargs)
        if isinstance(target_shape, (str, bytes)) or not isinstance(target_shape, Sequence) or any(
                isinstance(dim, bool) or not isinstance(dim, int) or (dim <= 0 and dim != -1)
                for dim in target_shape) or list(target_shape).count(-1) > 1:
            raise ValueError(f"Reshape: argument `target_shape` must be a sequence of positive ints with at "
                             f"most one -1; received target_shape={target_shape!r}.")
        self.target_shape = tuple(target_shape)

    def call(self, inputs: Any) -> Any:
        shape = tuple(ops.shape(inputs))
        return ops.reshape(inputs, (shape[0], *self._resolved(shape)))

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return (input_shape[0], *self._resolved(input_shape))

    def compute_output_dtype(self, input_dtype: Any) -> Any:
        return _validation.passthrough_dtype(self, input_dtype)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "target_shape": list(self.target_shape)}

    def _resolved(self, input_shape: tuple) -> tuple:
        """``target_shape`` with -1 resolved (None while the sample size is unknown)."""
        features = input_shape[1:]
        if any(dim is None for dim in features):
            return tuple(None if dim == -1 else dim for dim in self.target_shape)
        total = math.prod(features)
        known = math.prod(dim for dim in self.target_shape if dim != -1)
        if -1 in self.target_shape:
            fits = known > 0 and total % known == 0
            target = tuple(total // known if fits and dim == -1 else dim for dim in self.target_shape)
        else:
            fits = known == total
            target = self.target_shape
        if not fits:
            raise ValueError(f"{_validation.describe(self)} cannot reshape samples of shape {features} "
                             f"({total} entries) to target_shape {self.target_shape}.")
        return target
