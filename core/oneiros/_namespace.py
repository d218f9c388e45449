"""Module-level ``get`` and attribute access for a registry-backed package (``oi.layers.X``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def registry_accessors(kind: str, module_name: str) -> tuple[Callable[[str], Any], Callable[[str], Any]]:
    """``get(name)`` and a module ``__getattr__`` that both resolve through the ``kind`` registry."""

    def get(name: str) -> Any:
        from oneiros._plugins import host

        return host().registry(kind).get(name)

    def __getattr__(name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(f"module {module_name!r} has no attribute {name!r}")
        from oneiros._plugins import host

        registry = host().registry(kind)
        if name not in registry:
            raise AttributeError(f"module {module_name!r} has no attribute {name!r}; "
                                 f"registered {kind}: {', '.join(registry.names())}")
        return registry.get(name)

    get.__doc__ = f"The {kind[:-1]} registered under ``name`` (plain or ``plugin>Name``)."
    return get, __getattr__
