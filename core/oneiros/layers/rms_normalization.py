"""RMSNormalization: scales each sample by the root mean square of its features."""

from __future__ import annotations

from typing import Any

from oneiros import arguments, ops
import oneiros.layers._validation as _validation
from oneiros.layers.layer import Layer


class RMSNormalization(Layer):
    """Computes ``x / sqrt(mean(x ** 2) + epsilon) * scale`` over ``axis`` (an int or a list of
    ints), with a learned ``scale`` of the normalized axes' sizes (Zhang and Sennrich, 2019).
    Computed in float32 whatever the dtype policy.

    Example::

        layer = oi.layers.RMSNormalization()
        y = layer(np.array([[3.0, 4.0]], "float32"))       # ~[[0.849, 1.131]]
    """

    def __init__(self, axis: int | list[int] = -1, epsilon: float = 1e-6, **kwargs: Any):
        super().__init__(**kwargs)
        owner = type(self).__name__
        self.axis = arguments.config_axes(arguments.axes(owner, "axis", axis))
        self.epsilon = arguments.real(owner, "epsilon", epsilon, minimum=0.0)

    def build(self, input_shape: tuple) -> None:
        self._axes = _validation.resolve_axes(self, self.axis, input_shape)
        sizes = _validation.known_sizes(self, self._axes, input_shape)
        self._weight_shape = _validation.broadcast_shape(len(input_shape), self._axes, sizes)
        self.scale = self.add_weight(shape=sizes, initializer="ones", name="scale")

    def call(self, inputs: Any) -> Any:
        x = ops.cast(inputs, "float32")
        mean_square = ops.mean(ops.square(x), axis=self._axes, keepdims=True)
        scale = ops.reshape(ops.cast(self.scale.value, "float32"), self._weight_shape)
        outputs = ops.multiply(ops.multiply(x, ops.rsqrt(ops.add(mean_square, self.epsilon))), scale)
        return ops.cast(outputs, self.compute_dtype)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        _validation.resolve_axes(self, self.axis, input_shape)
        return input_shape

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "axis": self.axis, "epsilon": self.epsilon}
