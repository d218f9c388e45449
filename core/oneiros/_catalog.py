"""Lookup by name or config for the Keras-style configurable objects (initializers, regularizers,
constraints): ``get("he_normal")``, ``get({"class_name": "HeNormal", "config": {...}})``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from oneiros.errors import UnknownNameError


class Catalog:
    """The built-in classes of one kind, under their snake_case aliases and their class names."""

    def __init__(self, kind: str, base: type, aliases: Mapping[str, type]):
        self.kind = kind
        self.base = base
        self._classes: dict[str, type] = {cls.__name__: cls for cls in aliases.values()}
        self._classes.update(aliases)

    def names(self) -> list[str]:
        return sorted(self._classes)

    def lookup(self, name: str) -> type:
        """The built-in class called ``name``, else a registered custom subclass of the base."""
        found = self._classes.get(name)
        if found is None:
            from oneiros.saving._custom_objects import find

            found = find(name, self.base)
        if found is None:
            raise UnknownNameError(self.kind, name, self._classes)
        return found

    def get(self, identifier: Any) -> Any:
        """None, an instance or a callable as is; a name or config dict as a new instance."""
        if identifier is None or isinstance(identifier, self.base):
            return identifier
        if isinstance(identifier, str):
            return self.lookup(identifier)()
        if isinstance(identifier, Mapping):
            return self.deserialize(identifier)
        if isinstance(identifier, type) and issubclass(identifier, self.base):
            return identifier()
        if callable(identifier):
            return identifier
        raise ValueError(
            f"Cannot interpret {identifier!r} (of type {type(identifier).__name__}) as a "
            f"{self.kind}; expected None, a name such as {self.names()[0]!r}, a config dict "
            f"{{'class_name': ..., 'config': {{...}}}}, a {self.base.__name__} or a callable."
        )

    def deserialize(self, config: Mapping[str, Any]) -> Any:
        if set(config) - {"class_name", "config"} or not isinstance(config.get("class_name"), str):
            raise ValueError(
                f"A {self.kind} config must be a dict with a 'class_name' string and an optional "
                f"'config' dict; received {dict(config)!r}."
            )
        arguments = config.get("config") or {}
        if not isinstance(arguments, Mapping):
            raise ValueError(f"The 'config' of a {self.kind} must be a dict; received {arguments!r}.")
        return self.lookup(config["class_name"]).from_config(dict(arguments))

    def serialize(self, obj: Any) -> dict[str, Any] | None:
        """``{"class_name": ..., "config": ...}`` for an instance of a class this catalog holds
        (None for None, as in Keras)."""
        if obj is None:
            return None
        cls = type(obj)
        from oneiros.saving._custom_objects import name_of

        custom = name_of(cls)
        if custom is not None:
            return {"class_name": custom, "config": obj.get_config()}
        if self._classes.get(cls.__name__) is not cls:
            raise ValueError(
                f"Cannot serialize {obj!r}: {cls.__name__} is not a built-in {self.kind} "
                f"(known: {', '.join(sorted(c.__name__ for c in set(self._classes.values())))})."
            )
        return {"class_name": cls.__name__, "config": obj.get_config()}

