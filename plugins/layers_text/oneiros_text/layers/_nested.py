"""Wrapped layers inside a wrapper's config, and building sublayers from a known input shape.

Only the core's public registry is used: a wrapped layer is written under its class name and
rebuilt with ``oneiros.layers.get``, so it must be registered under that name (every built-in
and plugin layer is). A config therefore never names a module or code to import.
"""

from __future__ import annotations

from typing import Any

from oneiros import layers
from oneiros.errors import OneirosError


def serialize_layer(layer: layers.Layer) -> dict[str, Any]:
    name = type(layer).__name__
    try:
        registered = layers.get(name)
    except (KeyError, LookupError):
        registered = None
    if registered is not type(layer):
        raise OneirosError(
            f"Cannot serialize the wrapped layer {layer.name!r}: its class {type(layer).__module__}."
            f"{type(layer).__qualname__} is not the layer registered as {name!r}; register it from a plugin's "
            "register_layers hook under its class name."
        )
    return {"class_name": name, "config": layer.get_config()}


def deserialize_layer(entry: Any) -> layers.Layer:
    if not isinstance(entry, dict) or not isinstance(entry.get("class_name"), str) \
            or not isinstance(entry.get("config"), dict):
        raise OneirosError(f"A wrapped layer's config must be {{'class_name': str, 'config': dict}}; "
                           f"received {entry!r}.")
    return layers.get(entry["class_name"]).from_config(dict(entry["config"]))


def build_sublayer(layer: layers.Layer, input_shape: Any) -> None:
    """Creates ``layer``'s weights now, so a wrapper's weights exist once it is built."""
    if not layer.built:
        layer.build(input_shape)
        layer.built = True
