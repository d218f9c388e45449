"""Configs of layers and models: JSON-ready dicts naming classes by qualified registered name.

Objects are rebuilt only through the registries, so a config can never name arbitrary code.
"""

from __future__ import annotations

from typing import Any

from oneiros.errors import OneirosError
from oneiros.layers._symbolic import SymbolicTensor, flatten, map_structure
from oneiros.layers.input_layer import InputLayer
from oneiros.layers.layer import Layer


def _layers_registry():
    from oneiros._plugins import host

    return host().registry("layers")


def registered_name(layer: Layer) -> str:
    from oneiros.saving._custom_objects import name_of

    custom = name_of(type(layer))
    if custom is not None:
        return custom
    entry = _layers_registry().entry_for(type(layer))
    if entry is None:
        raise OneirosError(
            f"Layer class {type(layer).__module__}.{type(layer).__qualname__} is not registered, so "
            f"{layer.name!r} cannot be serialized; register it with oi.saving.register_keras_serializable() "
            "or from a plugin's register_layers hook."
        )
    return entry.qualified_name


def layer_config(layer: Layer) -> dict[str, Any]:
    return {"class_name": registered_name(layer), "config": layer.get_config()}


def layer_from_config(entry: dict[str, Any]) -> Layer:
    if not isinstance(entry, dict) or "class_name" not in entry or not isinstance(entry.get("config"), dict):
        raise OneirosError(f"A layer entry must be {{'class_name': str, 'config': dict}}; received {entry!r}.")
    from oneiros.saving._custom_objects import find

    cls = find(entry["class_name"], Layer) or _layers_registry().get(entry["class_name"])
    return cls.from_config(dict(entry["config"]))


def functional_config(model: Any) -> dict[str, Any]:
    node_ids: dict[int, int] = {id(node): index for index, node in enumerate(model._nodes)}

    def reference(item: Any) -> Any:
        if isinstance(item, SymbolicTensor):
            return {"node": node_ids[id(item.node)], "index": item.index}
        return item

    layers, seen = [], set()
    for node in model._nodes:
        if id(node.layer) not in seen:
            seen.add(id(node.layer))
            layers.append({"name": node.layer.name, **layer_config(node.layer)})
    return {
        "name": model.name,
        "trainable": model.trainable,
        "layers": layers,
        "nodes": [
            {"layer": node.layer.name,
             "inputs": None if isinstance(node.layer, InputLayer) else map_structure(reference, node.inputs),
             "kwargs": node.call_kwargs}
            for node in model._nodes
        ],
        "inputs": map_structure(reference, model._input_structure),
        "outputs": map_structure(reference, model._output_structure),
    }


def functional_from_config(config: dict[str, Any], built: dict[str, Layer] | None = None) -> Any:
    """The functional model ``config`` describes; ``built`` may supply some layers by name
    (``clone_model``'s ``clone_function``), the others are made from their configs."""
    from oneiros.models.functional import Functional

    layers = {}
    for entry in config["layers"]:
        layer = (built or {}).get(entry["name"]) or layer_from_config(entry)
        layers[entry["name"]] = layer
    produced: list[list[SymbolicTensor]] = []

    def resolve(item: Any) -> Any:
        if isinstance(item, dict) and set(item) == {"node", "index"}:
            try:
                return produced[item["node"]][item["index"]]
            except (IndexError, TypeError):
                raise OneirosError(f"Model config refers to a tensor {item} that no earlier node produced.")
        if isinstance(item, dict):
            return {key: resolve(value) for key, value in item.items()}
        if isinstance(item, (list, tuple)):
            return [resolve(value) for value in item]
        return item

    for node in config["nodes"]:
        layer = layers.get(node["layer"])
        if layer is None:
            raise OneirosError(f"Model config has a node of unknown layer {node['layer']!r}.")
        if isinstance(layer, InputLayer):
            produced.append([layer.output])
            continue
        result = layer(resolve(node["inputs"]), **resolve(node.get("kwargs", {})))
        produced.append(flatten(result))
    return Functional(resolve(config["inputs"]), resolve(config["outputs"]),
                      name=config.get("name"), trainable=config.get("trainable", True))
