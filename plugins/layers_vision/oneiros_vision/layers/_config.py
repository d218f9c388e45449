"""Config values of the arguments convolution layers share (initializers, activations...)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from oneiros import activations, constraints, initializers, regularizers

_SERIALIZERS: tuple[tuple[str, Callable[[Any], Any]], ...] = (
    ("_initializer", initializers.serialize),
    ("_regularizer", regularizers.serialize),
    ("_constraint", constraints.serialize),
    ("activation", activations.serialize),
)


def serialized(layer: Any, *names: str) -> dict[str, Any]:
    """``{name: config value}`` for attributes named like ``kernel_initializer`` or ``activation``."""
    config = {}
    for name in names:
        serializer = next(function for suffix, function in _SERIALIZERS if name.endswith(suffix))
        config[name] = serializer(getattr(layer, name))
    return config


def as_list(values: Any) -> Any:
    """Tuples (also nested) as lists, so a config equals itself after a JSON round trip."""
    if isinstance(values, (list, tuple)):
        return [as_list(value) for value in values]
    return values
