"""TimeDistributed: applies one layer to every time step of a sequence."""

from __future__ import annotations

from typing import Any

from oneiros import ops
from oneiros.layers import InputSpec, Layer

from oneiros_text.layers._nested import build_sublayer, deserialize_layer, serialize_layer


class TimeDistributed(Layer):
    """Applies ``layer`` to each slice ``inputs[:, t]`` of inputs ``(batch, time, ...)`` with the
    same weights, as one call on ``(batch * time, ...)``. A mask ``(batch, time)`` is passed on
    per step to a layer that takes one, and passed through unchanged.

    Example::

        layer = TimeDistributed(oi.layers.Dense(8))
        y = layer(np.ones((2, 10, 16), "float32"))      # shape (2, 10, 8)
    """

    supports_masking = True

    def __init__(self, layer: Layer, **kwargs: Any):
        if not isinstance(layer, Layer):
            raise ValueError(f"TimeDistributed: argument `layer` must be a Layer; received {layer!r}.")
        super().__init__(**kwargs)
        self.layer = layer
        self.input_spec = InputSpec(min_ndim=3)

    def build(self, input_shape: tuple) -> None:
        build_sublayer(self.layer, self._step_shape(tuple(input_shape)))

    def call(self, inputs: Any, mask: Any = None, training: bool | None = None) -> Any:
        shape = tuple(ops.shape(inputs))
        batch, time = shape[:2]
        step_mask = None if mask is None else ops.reshape(mask, (batch * time,))
        outputs = self.layer(ops.reshape(inputs, (batch * time, *shape[2:])), mask=step_mask, training=training)
        return ops.reshape(outputs, (batch, time, *tuple(ops.shape(outputs))[1:]))

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        input_shape = tuple(input_shape)
        step_output = self.layer.compute_output_shape(self._step_shape(input_shape))
        return (*input_shape[:2], *tuple(step_output)[1:])

    @staticmethod
    def _step_shape(input_shape: tuple) -> tuple:
        batch, time = input_shape[:2]
        return (None if batch is None or time is None else batch * time, *input_shape[2:])

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "layer": serialize_layer(self.layer)}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> TimeDistributed:
        config = dict(config)
        return cls(deserialize_layer(config.pop("layer")), **config)
