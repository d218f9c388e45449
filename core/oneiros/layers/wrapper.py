"""Wrapper: the base of layers that hold one other layer and change how it is applied."""

from __future__ import annotations

from typing import Any

from oneiros.layers.layer import Layer


class Wrapper(Layer):
    """Holds ``layer`` (built with the wrapper) and serializes it inside its own config, as Keras's
    ``Wrapper``. Subclasses say how the wrapped layer is applied in ``call``; used as is, a
    Wrapper applies the wrapped layer unchanged.

    Example::

        class Doubled(oi.layers.Wrapper):
            def call(self, inputs):
                return self.layer(inputs) * 2.0

        y = Doubled(oi.layers.Dense(3))(np.ones((2, 4), "float32"))      # shape (2, 3)
    """

    def __init__(self, layer: Layer, **kwargs: Any):
        if not isinstance(layer, Layer):
            raise ValueError(f"{type(self).__name__}: argument `layer` must be a Layer; received {layer!r} "
                             f"of type {type(layer).__name__}.")
        super().__init__(**kwargs)
        self.layer = layer

    def build(self, input_shape: Any = None) -> None:
        if not self.layer.built:
            self.layer.build(input_shape)
            self.layer.built = True

    def call(self, inputs: Any, *args: Any, **kwargs: Any) -> Any:
        return self.layer(inputs, *args, **kwargs)

    def compute_output_shape(self, input_shape: Any) -> Any:
        return self.layer.compute_output_shape(input_shape)

    def get_config(self) -> dict[str, Any]:
        from oneiros.saving import serialize_keras_object

        return {**super().get_config(), "layer": serialize_keras_object(self.layer)}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Wrapper:
        from oneiros.saving import deserialize_keras_object

        config = dict(config)
        return cls(deserialize_keras_object(config.pop("layer")), **config)
