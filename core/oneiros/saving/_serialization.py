"""``serialize_keras_object`` / ``deserialize_keras_object``: any layer, loss, metric, optimizer,
initializer, regularizer, constraint or function as Keras 3's ``{"module", "class_name",
"config", "registered_name"}`` dict, and back, through the registries and custom objects only."""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any

from oneiros.errors import UnknownNameError, UnsafeConfigError
from oneiros.saving import _custom_objects
from oneiros.saving._keras_names import FUNCTION_CLASS, KERAS_MODULES, is_keras_module
from oneiros.saving._safe_mode import safe_mode_scope

REGISTRY_KINDS = ("layers", "losses", "metrics", "optimizers")
CATALOG_KINDS = ("initializers", "regularizers", "constraints")


def _kind_of(cls: type) -> str | None:
    from oneiros._plugins import host

    for kind in REGISTRY_KINDS:
        if host().registry(kind).entry_for(cls) is not None:
            return kind
    for kind in CATALOG_KINDS:
        catalog = importlib.import_module(f"oneiros.{kind}")
        if isinstance(cls, type) and issubclass(cls, catalog._CATALOG.base) and cls.__name__ in catalog.names():
            return kind
    return None


def serialize_keras_object(obj: Any) -> Any:
    """``obj`` as Keras 3 serializes it (plain values and containers as they are)."""
    if obj is None or isinstance(obj, (str, int, float, bool)):
        return obj
    if isinstance(obj, (list, tuple)):
        return [serialize_keras_object(item) for item in obj]
    if isinstance(obj, Mapping):
        return {key: serialize_keras_object(value) for key, value in obj.items()}
    registered = _custom_objects.name_of(obj if isinstance(obj, type) or not hasattr(obj, "get_config") else type(obj))
    if not hasattr(obj, "get_config"):
        if not callable(obj):
            raise TypeError(f"Cannot serialize {obj!r} of type {type(obj).__name__}: expected a value, a container, "
                            "a function or an object with get_config().")
        name = registered or obj.__name__
        return {"module": getattr(obj, "__module__", None), "class_name": FUNCTION_CLASS, "config": name,
                "registered_name": name}
    cls = type(obj)
    kind = None if registered else _kind_of(cls)
    module = KERAS_MODULES[kind] if kind else cls.__module__
    return {"module": module, "class_name": cls.__name__, "config": obj.get_config(), "registered_name": registered}


def deserialize_keras_object(config: Any, custom_objects: Mapping[str, Any] | None = None, safe_mode: bool = True,
                             **kwargs: Any) -> Any:
    """The object a :func:`serialize_keras_object` dict (or a Keras file's entry) describes.

    Names resolve only through ``custom_objects``, registered custom objects and the registries;
    a ``module`` outside Keras is never imported.
    """
    module_objects = kwargs.pop("module_objects", None)
    if kwargs:
        raise TypeError(f"deserialize_keras_object got unexpected arguments {sorted(kwargs)}.")
    if config is None or isinstance(config, (int, float, bool)):
        return config
    if isinstance(config, list):
        return [deserialize_keras_object(item, custom_objects, safe_mode, module_objects=module_objects)
                for item in config]
    with _custom_objects.custom_object_scope(custom_objects or {}, module_objects or {}), safe_mode_scope(safe_mode):
        if isinstance(config, str):
            found = _custom_objects.find(config)
            if found is None:
                raise UnknownNameError("serializable object", config, _custom_objects.get_custom_objects())
            return found
        if not isinstance(config, Mapping) or "class_name" not in config:
            return config
        class_name, module = config["class_name"], config.get("module")
        registered = config.get("registered_name")
        if class_name == FUNCTION_CLASS:
            return _function(config.get("config"), registered, module)
        for name in (registered, class_name):
            found = _custom_objects.find(name) if isinstance(name, str) else None
            if found is not None:
                return found.from_config(dict(config.get("config") or {}))
        if not is_keras_module(module):
            raise UnsafeConfigError(f"{class_name!r} of module {module!r} is not registered; Oneiros never imports a "
                                    "module named by a config.")
        kind = next((k for k, m in KERAS_MODULES.items() if m == module), None)
        return _builtin(kind, config)


serialize = serialize_keras_object
deserialize = deserialize_keras_object
"""``layers.serialize``/``deserialize`` (and losses, metrics, optimizers): the Keras names."""


def _function(name: Any, registered: Any, module: Any) -> Any:
    for candidate in (registered, name):
        found = _custom_objects.find(candidate) if isinstance(candidate, str) else None
        if found is not None:
            return found
    if not isinstance(name, str) or not (is_keras_module(module) or module == "builtins"):
        raise UnsafeConfigError(f"The function {name!r} of module {module!r} is not registered; Oneiros never "
                                "imports a module named by a config.")
    from oneiros import activations

    return activations.get(name)


def _builtin(kind: str | None, config: Mapping[str, Any]) -> Any:
    from oneiros._plugins import host

    arguments = {"class_name": config["class_name"], "config": dict(config.get("config") or {})}
    if kind in CATALOG_KINDS:
        return importlib.import_module(f"oneiros.{kind}").deserialize(arguments)
    if kind == "layers" or kind is None and config["class_name"] in host().registry("layers"):
        from oneiros.models._graph_config import layer_from_config
        from oneiros.saving._keras_config import layer_entry

        return layer_from_config(layer_entry(dict(config)))
    for candidate in ([kind] if kind else REGISTRY_KINDS):
        registry = host().registry(candidate)
        if config["class_name"] in registry:
            return registry.get(config["class_name"]).from_config(arguments["config"])
    raise UnknownNameError(kind or "serializable object", config["class_name"],
                           host().registry(kind or "layers").names())
