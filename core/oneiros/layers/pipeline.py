"""Pipeline: applies a list of layers in turn, as one layer (not a model)."""

from __future__ import annotations

from typing import Any

from oneiros.layers._keras_mask import attached_mask
from oneiros.layers.layer import Layer


class Pipeline(Layer):
    """Calls each layer on the previous one's output, passing ``training`` and each output's mask
    on (Keras 3's Pipeline, typically a chain of preprocessing or augmentation layers). Unlike
    ``Sequential`` it is a plain layer; called outside ``fit``/``predict`` it runs in training
    mode (augmentations active), as Keras's does.

    Example::

        augment = oi.layers.Pipeline([oi.layers.RandomFlip(), oi.layers.RandomRotation(0.1)])
        images = augment(images)
    """

    supports_masking = True

    def __init__(self, layers: list[Layer], name: str | None = None, **kwargs: Any):
        if not isinstance(layers, (list, tuple)) or not all(isinstance(layer, Layer) for layer in layers):
            raise ValueError(f"Pipeline: argument `layers` must be a list of Layers; received {layers!r}.")
        super().__init__(name=name, **kwargs)
        self._pipeline_layers = list(layers)

    @property
    def layers(self) -> list[Layer]:
        return list(self._pipeline_layers)

    def call(self, inputs: Any, training: bool | None = None, mask: Any = None) -> Any:
        training = True if training is None else training
        for layer in self._pipeline_layers:
            inputs = layer(inputs, training=training, mask=mask)
            mask = attached_mask(inputs)
        return inputs

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        return None

    def get_config(self) -> dict[str, Any]:
        from oneiros.saving import serialize_keras_object

        # Keras's keys only (name and layers), so Keras reads the config too.
        return {"name": self.name, "layers": serialize_keras_object(self._pipeline_layers)}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Pipeline:
        from oneiros.saving import deserialize_keras_object

        config = dict(config)
        layers = config.pop("layers", None)
        if not isinstance(layers, (list, tuple)):
            raise ValueError(f"A Pipeline config needs a `layers` list of serialized layers; received "
                             f"layers={layers!r}.")
        return cls([deserialize_keras_object(entry) for entry in layers], **config)
