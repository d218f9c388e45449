"""UnitNormalization: rescales each sample to unit L2 norm."""

from __future__ import annotations

from typing import Any

from oneiros import arguments, ops
import oneiros.layers._validation as _validation
from oneiros.layers.layer import Layer

NORM_FLOOR = 1e-12


class UnitNormalization(Layer):
    """Divides each sample by its L2 norm over ``axis`` (an int or a list of ints); norms below
    1e-12 count as 1e-12, so all-zero samples stay zero.

    Example::

        y = oi.layers.UnitNormalization()(np.array([[3.0, 4.0]], "float32"))   # [[0.6, 0.8]]
    """

    supports_masking = True

    def __init__(self, axis: int | list[int] = -1, **kwargs: Any):
        super().__init__(**kwargs)
        self.axis = arguments.config_axes(arguments.axes(type(self).__name__, "axis", axis))

    def call(self, inputs: Any) -> Any:
        axes = _validation.resolve_axes(self, self.axis, tuple(ops.shape(inputs)))
        x = ops.cast(inputs, "float32")
        squares = ops.sum(ops.square(x), axis=axes, keepdims=True)
        outputs = ops.multiply(x, ops.rsqrt(ops.maximum(squares, NORM_FLOOR**2)))
        return ops.cast(outputs, self.compute_dtype)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        _validation.resolve_axes(self, self.axis, input_shape)
        return input_shape

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "axis": self.axis}
