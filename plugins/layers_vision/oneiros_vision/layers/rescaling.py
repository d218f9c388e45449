"""Rescaling: ``inputs * scale + offset``, e.g. pixels from [0, 255] to [0, 1]."""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any

from oneiros import ops
from oneiros.layers import Layer


def _checked(owner: str, argument: str, value: Any) -> float | list[float]:
    """A number, or one number per channel."""
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return float(value)
    if (isinstance(value, Sequence) and not isinstance(value, str) and value
            and all(isinstance(v, numbers.Real) and not isinstance(v, bool) for v in value)):
        return [float(v) for v in value]
    raise ValueError(f"{owner}: argument `{argument}` must be a number or a list of numbers (one per channel); "
                     f"received {argument}={value!r}.")


class Rescaling(Layer):
    """Multiplies by ``scale`` and adds ``offset`` (numbers, or one per channel on the last
    axis), in the compute dtype: ``Rescaling(1 / 255)`` maps [0, 255] to [0, 1],
    ``Rescaling(1 / 127.5, offset=-1)`` maps it to [-1, 1].

    Example::

        layer = oi.layers.Rescaling(1 / 255)
        y = layer(np.full((1, 2, 2, 1), 255, "uint8"))   # all ones, float32
    """

    supports_masking = True

    def __init__(self, scale: Any, offset: Any = 0.0, **kwargs: Any):
        super().__init__(**kwargs)
        owner = type(self).__name__
        self.scale = _checked(owner, "scale", scale)
        self.offset = _checked(owner, "offset", offset)

    def call(self, inputs: Any) -> Any:
        dtype = self.compute_dtype
        scale = ops.convert_to_tensor(self.scale, dtype=dtype)
        offset = ops.convert_to_tensor(self.offset, dtype=dtype)
        return ops.add(ops.multiply(ops.cast(inputs, dtype), scale), offset)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return input_shape

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "scale": self.scale, "offset": self.offset}
