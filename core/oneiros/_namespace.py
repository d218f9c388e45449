"""Module-level ``get`` and attribute access for a registry-backed package (``oi.layers.X``)."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from oneiros._registry import singular


SERIALIZERS = ("serialize", "deserialize")
"""Keras's ``layers.serialize``/``losses.deserialize``... shared by every registry-backed namespace."""


def registry_accessors(kind: str, module_name: str, attributes: dict[str, str] | None = None,
                       ) -> tuple[Callable[[str], Any], Callable[[str], Any]]:
    """``get(name)`` and a module ``__getattr__`` that both resolve through the ``kind`` registry.

    ``attributes`` maps the namespace's own names (base classes, functions) to the module that
    defines each: they are imported on first access, so plugin discovery, which reads only the
    namespace's ``BUILTINS``, imports neither them nor the ops and numpy behind them.
    """
    own = dict(attributes or {})

    def get(name: str) -> Any:
        from oneiros._plugins import host

        registry = host().registry(kind)
        if isinstance(name, str) and name not in registry:
            from oneiros.saving._custom_objects import find

            custom = find(name)
            if custom is not None:
                return custom
        return registry.get(name)

    def __getattr__(name: str) -> Any:
        if name in own:
            return getattr(importlib.import_module(own[name]), name)
        if name in SERIALIZERS:
            from oneiros.saving import _serialization

            return getattr(_serialization, name)
        if name.startswith("_"):
            raise AttributeError(f"module {module_name!r} has no attribute {name!r}")
        from oneiros._plugins import host

        registry = host().registry(kind)
        if name not in registry:
            raise AttributeError(f"module {module_name!r} has no attribute {name!r}; "
                                 f"registered {kind}: {', '.join(registry.names())}")
        return registry.get(name)

    get.__doc__ = (f"The {singular(kind)} registered under ``name`` (plain or ``plugin>Name``), or a custom object "
                   "registered with ``oi.saving.register_keras_serializable``.")
    return get, __getattr__
