"""Functional models: a graph of layer calls from symbolic inputs to symbolic outputs."""

from __future__ import annotations

from typing import Any

from oneiros.layers._keras_mask import get_keras_mask
from oneiros.layers._symbolic import Node, SymbolicTensor, flatten, map_structure
from oneiros.layers.input_layer import InputLayer
from oneiros.models.model import Model


def _topological_nodes(outputs: list[SymbolicTensor]) -> list[Node]:
    order: list[Node] = []
    state: dict[int, str] = {}

    def visit(node: Node) -> None:
        mark = state.get(id(node))
        if mark == "done":
            return
        if mark == "active":
            raise ValueError(f"The graph has a cycle through layer {node.layer.name!r}.")
        state[id(node)] = "active"
        for tensor in node.input_tensors():
            if tensor.node is None:
                raise ValueError(f"{tensor!r} was not produced by oi.Input or a layer call.")
            visit(tensor.node)
        state[id(node)] = "done"
        order.append(node)

    for tensor in outputs:
        if not isinstance(tensor, SymbolicTensor):
            raise TypeError(
                f"Model outputs must be symbolic tensors from layer calls; received {type(tensor).__name__}."
            )
        visit(tensor.node)
    return order


def _keras_layer_order(outputs: list[SymbolicTensor]) -> list[Any]:
    """Keras's order of a functional model's layers: by depth from the outputs, deepest (the
    inputs) first; at equal depth, in the order a depth-first walk from the outputs meets them."""
    order: list[Node] = []
    first_seen: dict[int, tuple[int, Any]] = {}
    done: set[int] = set()

    def visit(node: Node) -> None:
        if id(node) in done:
            return
        first_seen.setdefault(id(node.layer), (len(first_seen), node.layer))
        for tensor in node.input_tensors():
            visit(tensor.node)
        done.add(id(node))
        order.append(node)

    for tensor in outputs:
        visit(tensor.node)
    node_depths: dict[int, int] = {}
    layer_depths: dict[int, int] = {}
    for node in reversed(order):
        depth = max(node_depths.get(id(node), 0), layer_depths.get(id(node.layer), 0))
        layer_depths[id(node.layer)] = node_depths[id(node)] = depth
        for tensor in node.input_tensors():
            parent = id(tensor.node)
            node_depths[parent] = max(depth + 1, node_depths.get(parent, 0))
    ranked = sorted(first_seen.items(), key=lambda item: (-layer_depths[item[0]], item[1][0]))
    return [layer for _, (_, layer) in ranked]


class Functional(Model):
    """``oi.Model(inputs, outputs)``: runs the layer calls that lead from inputs to outputs.

    Example::

        inputs = oi.Input((16,))
        hidden = oi.layers.Dense(8, activation="relu")(inputs)
        model = oi.Model(inputs, [oi.layers.Dense(1)(hidden), oi.layers.Dense(3)(hidden)])
    """

    builds_its_layers = False

    def __init__(self, inputs: Any, outputs: Any, name: str | None = None, **kwargs: Any):
        super().__init__(name=name, **kwargs)
        self._input_structure = inputs
        self._output_structure = outputs
        self._flat_inputs = flatten(inputs)
        self._flat_outputs = flatten(outputs)
        for tensor in self._flat_inputs:
            if not isinstance(tensor, SymbolicTensor) or not isinstance(getattr(tensor.node, "layer", None),
                                                                         InputLayer):
                raise TypeError(f"Model inputs must come from oi.Input(...); received {tensor!r}.")
        self._nodes = _topological_nodes(self._flat_outputs)
        given_inputs = {id(t.node.layer) for t in self._flat_inputs}
        missing = [n.layer.name for n in self._nodes
                   if isinstance(n.layer, InputLayer) and id(n.layer) not in given_inputs]
        if missing:
            raise ValueError(
                f"The outputs depend on inputs {missing} that are not among the model's inputs "
                f"{[t.node.layer.name for t in self._flat_inputs]}."
            )
        for layer in _keras_layer_order(self._flat_outputs):
            self._track_layer(layer)
        self.built = True

    @property
    def layers(self) -> list[Any]:
        """The layers in Keras's order; the op nodes that operators and ``ops.*`` on symbolic
        tensors made are not layers (as in Keras)."""
        from oneiros.layers.op_layer import OpLayer

        return [layer for layer in self._sublayers if not isinstance(layer, OpLayer)]

    @property
    def inputs(self) -> list[SymbolicTensor]:
        return list(self._flat_inputs)

    @property
    def outputs(self) -> list[SymbolicTensor]:
        return list(self._flat_outputs)

    @property
    def input(self) -> Any:
        return self._input_structure

    @property
    def output(self) -> Any:
        return self._output_structure

    @property
    def input_shape(self) -> Any:
        """The inputs' shapes (one shape for a single input), as Keras gives them."""
        return _single_or_list([tensor.shape for tensor in self._flat_inputs])

    @property
    def output_shape(self) -> Any:
        """The outputs' shapes (one shape for a single output), as Keras gives them."""
        return _single_or_list([tensor.shape for tensor in self._flat_outputs])

    @property
    def input_names(self) -> list[str]:
        return [t.node.layer.name for t in self._flat_inputs]

    @property
    def output_names(self) -> list[str]:
        return [t.node.layer.name for t in self._flat_outputs]

    def _match_inputs(self, inputs: Any) -> list[Any]:
        if isinstance(inputs, dict):
            missing = [name for name in self.input_names if name not in inputs]
            if missing:
                raise ValueError(f"Model {self.name!r} expects inputs named {self.input_names}; "
                                 f"missing {missing}, received keys {sorted(inputs)}.")
            return [inputs[name] for name in self.input_names]
        flat = flatten(inputs)
        if len(flat) != len(self._flat_inputs):
            raise ValueError(f"Model {self.name!r} expects {len(self._flat_inputs)} inputs "
                             f"{self.input_names}; received {len(flat)}.")
        return flat

    def call(self, inputs: Any, training: bool | None = None, mask: Any = None) -> Any:
        values: dict[int, Any] = {}
        masks: dict[int, Any] = {}
        given_masks = flatten(mask) if mask is not None else [None] * len(self._flat_inputs)
        for tensor, value, given_mask in zip(self._flat_inputs, self._match_inputs(inputs), given_masks):
            values[id(tensor)] = value
            masks[id(tensor)] = given_mask
        for node in self._nodes:
            layer = node.layer
            if isinstance(layer, InputLayer):
                continue
            arguments = map_structure(_lookup(values), node.inputs)
            input_masks = [masks.get(id(t)) for t in node.input_tensors()]
            node_mask = None
            if any(m is not None for m in input_masks):
                node_mask = input_masks[0] if len(input_masks) == 1 else input_masks
            result = layer(arguments, training=training, mask=node_mask, **node.call_kwargs)
            for tensor, value in zip(node.outputs, flatten(result)):
                values[id(tensor)] = value
                masks[id(tensor)] = get_keras_mask(value)
        return map_structure(_lookup(values), self._output_structure)

    def compute_output_shape(self, input_shape: Any) -> Any:
        return map_structure(lambda t: t.shape, self._output_structure)

    def compute_output_dtype(self, input_dtype: Any) -> Any:
        return map_structure(lambda t: t.dtype, self._output_structure)

    def get_config(self) -> dict[str, Any]:
        from oneiros.models._graph_config import functional_config

        return functional_config(self)

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Functional:
        from oneiros.models._graph_config import functional_from_config

        return functional_from_config(config)


def _single_or_list(shapes: list[tuple]) -> Any:
    return shapes[0] if len(shapes) == 1 else shapes


def _lookup(values: dict[int, Any]):
    def lookup(item: Any) -> Any:
        return values[id(item)] if isinstance(item, SymbolicTensor) else item

    return lookup

