"""Permute: reorders the axes of each sample."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from oneiros import ops
import oneiros.layers._validation as _validation
from oneiros.layers.layer import InputSpec, Layer


class Permute(Layer):
    """Transposes each sample: output axis i+1 is input axis ``dims[i]`` (axes count from 1,
    the batch axis stays first).

    Example::

        y = oi.layers.Permute((2, 1))(np.zeros((8, 10, 64), "float32"))   # shape (8, 64, 10)
    """

    def __init__(self, dims: Sequence[int], **kwargs: Any):
        super().__init__(**kwargs)
        if isinstance(dims, (str, bytes)) or not isinstance(dims, Sequence) or any(
                isinstance(dim, bool) or not isinstance(dim, int) for dim in dims) or sorted(dims) != list(
                range(1, len(dims) + 1)):
            raise ValueError(f"Permute: argument `dims` must be a permutation of 1..n (the batch axis 0 "
                             f"stays in place); received dims={dims!r}.")
        self.dims = tuple(dims)
        self.input_spec = InputSpec(ndim=len(self.dims) + 1)

    def call(self, inputs: Any) -> Any:
        return ops.transpose(inputs, (0, *self.dims))

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return (input_shape[0], *(input_shape[dim] for dim in self.dims))

    def compute_output_dtype(self, input_dtype: Any) -> Any:
        return _validation.passthrough_dtype(self, input_dtype)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "dims": list(self.dims)}
