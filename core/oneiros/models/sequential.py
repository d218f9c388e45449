"""Sequential: a plain stack of layers, each feeding the next."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from oneiros.layers._keras_mask import get_keras_mask
from oneiros.layers._symbolic import SymbolicTensor
from oneiros.layers.input_layer import InputLayer
from oneiros.layers.layer import Layer
from oneiros.models.model import Model


class Sequential(Model):
    """A model whose layers each take the previous one's output.

    Example::

        model = oi.Sequential([
            oi.layers.Input((784,)),
            oi.layers.Dense(512, activation="relu"),
            oi.layers.Dense(10, activation="softmax"),
        ])
    """

    def __init__(self, layers: Sequence[Layer] | None = None, name: str | None = None, **kwargs: Any):
        super().__init__(name=name, **kwargs)
        self._input_layer: InputLayer | None = None
        self._stack: list[Layer] = []
        for layer in layers or ():
            self.add(layer)

    def add(self, layer: Layer | SymbolicTensor, rebuild: bool = True) -> None:
        """Appends a layer (or an ``oi.Input`` tensor, which sets the input shape); with a known
        input shape the stack is rebuilt at once, unless ``rebuild=False`` (then on first use)."""
        if isinstance(layer, SymbolicTensor) and isinstance(getattr(layer.node, "layer", None), InputLayer):
            layer = layer.node.layer
        if not isinstance(layer, Layer):
            raise TypeError(f"Sequential.add expects a Layer; received {type(layer).__name__} {layer!r}.")
        if isinstance(layer, InputLayer):
            if self._input_layer is not None or self._stack:
                raise ValueError("An Input can only be the first entry of a Sequential model.")
            self._input_layer = layer
            self._track_layer(layer)
            return
        if any(existing.name == layer.name for existing in self._stack):
            raise ValueError(f"Sequential {self.name!r} already has a layer named {layer.name!r}; "
                             "layer names must be unique within a model.")
        if not self._stack and self._input_layer is None:
            known_shape = layer._input_shape_argument
            if known_shape is None and isinstance(layer, Model) and layer.built:
                inputs = getattr(layer, "inputs", None)  # subclassed models have none
                if inputs is not None and len(inputs) == 1:
                    known_shape = inputs[0].shape[1:]  # a built model leading the stack gives its input shape
            if known_shape is not None:
                self._input_layer = InputLayer(shape=known_shape)
                self._track_layer(self._input_layer)
        self._stack.append(layer)
        self._track_layer(layer)
        self.built = False
        if rebuild:
            self._rebuild()

    def pop(self, rebuild: bool = True) -> Layer:
        """Removes and returns the last layer; the rest is rebuilt unless ``rebuild=False``."""
        if not self._stack:
            raise IndexError(f"Sequential {self.name!r} has no layer to pop.")
        layer = self._stack.pop()
        self._sublayers.remove(layer)
        for node in [node for owner, node in getattr(self, "_graph_nodes", ()) if owner is layer]:
            layer._inbound_nodes.remove(node)
        self._graph_nodes = [(owner, node) for owner, node in getattr(self, "_graph_nodes", ()) if owner is not layer]
        self.built = False
        if rebuild:
            self._rebuild()
        return layer

    def _rebuild(self) -> None:
        """Passes the known input shape through the stack again (nothing without one)."""
        if self._input_layer is not None:
            self.build((self._input_layer.batch_size, *self._input_layer.shape))

    @property
    def layers(self) -> list[Layer]:
        return list(self._stack)

    @property
    def input_shape(self) -> tuple | None:
        return None if self._input_layer is None else (self._input_layer.batch_size, *self._input_layer.shape)

    @property
    def inputs(self) -> list[SymbolicTensor]:
        """The symbolic input, once the model is built (as in Keras)."""
        return [self._built_graph("inputs")[0]]

    @property
    def outputs(self) -> list[SymbolicTensor]:
        """The symbolic output, once the model is built (as in Keras)."""
        return [self._built_graph("outputs")[1]]

    @property
    def output_shape(self) -> tuple:
        return self._built_graph("output_shape")[1].shape

    @property
    def input(self) -> SymbolicTensor:
        return self._built_graph("input")[0]

    @property
    def output(self) -> SymbolicTensor:
        return self._built_graph("output")[1]

    def _built_graph(self, wanted: str) -> tuple[SymbolicTensor, SymbolicTensor]:
        if not self.built or self._input_layer is None or getattr(self, "_output_tensor", None) is None:
            raise AttributeError(
                f"Sequential model {self.name!r} has no {wanted} until it is built: start it with "
                "oi.Input(shape) or call build((None, *shape))."
            )
        return self._input_layer.output, self._output_tensor

    def build(self, input_shape: Any) -> None:
        """Builds every layer by passing a symbolic tensor of ``input_shape`` through the stack."""
        if self._input_layer is None:
            self._input_layer = InputLayer(shape=tuple(input_shape)[1:], batch_size=input_shape[0])
            self._track_layer(self._input_layer)
        for layer, node in getattr(self, "_graph_nodes", ()):
            layer._inbound_nodes.remove(node)  # a rebuild after add() replaces the earlier graph
        self._graph_nodes = []
        tensor = self._input_layer.output
        self._output_shapes = []
        for layer in self._stack:
            tensor = layer(tensor)
            if isinstance(tensor, SymbolicTensor):
                self._graph_nodes.append((layer, tensor.node))
            self._output_shapes.append(tensor.shape if isinstance(tensor, SymbolicTensor) else None)
        self._output_tensor = tensor
        self.built = True

    def call(self, inputs: Any, training: bool | None = None, mask: Any = None) -> Any:
        outputs = inputs
        for layer in self._stack:
            outputs = layer(outputs, training=training, mask=mask)
            mask = get_keras_mask(outputs)
        return outputs

    def compute_output_shape(self, input_shape: Any) -> Any:
        if not self.built:
            self.build(input_shape)
        return self._output_tensor.shape

    def compute_output_dtype(self, input_dtype: Any) -> Any:
        return self._output_tensor.dtype

    def get_config(self) -> dict[str, Any]:
        from oneiros.models._graph_config import layer_config

        config = {"name": self.name, "trainable": self.trainable, "layers": []}
        if self._input_layer is not None:
            config["layers"].append(layer_config(self._input_layer))
        config["layers"].extend(layer_config(layer) for layer in self._stack)
        return config

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Sequential:
        from oneiros.models._graph_config import layer_from_config

        layers = [layer_from_config(entry) for entry in config["layers"]]
        return cls(layers, name=config.get("name"), trainable=config.get("trainable", True))
