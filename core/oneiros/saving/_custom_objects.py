"""Custom objects: classes and functions a user registers in-process, so configs may name them.

A file may name only what is registered here, registered by a plugin, or passed explicitly as
``custom_objects``: it never names a module to import. Registered names are ``package>Name``,
the same form as Keras's ``registered_name`` (and as Oneiros's qualified plugin names), so a
Keras file naming ``"my_package>Gate"`` finds the class registered with
``register_keras_serializable(package="my_package")``.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from oneiros._registry import QUALIFIER

DEFAULT_PACKAGE = "Custom"

_registered: dict[str, Any] = {}
"""Registered name (``package>Name``) -> object, for the whole process."""
_names: dict[int, str] = {}
"""``id(object)`` -> its registered name."""


class _Scopes(threading.local):
    stack: tuple[Mapping[str, Any], ...] = ()


_scopes = _Scopes()


def register_keras_serializable(package: str = DEFAULT_PACKAGE, name: str | None = None) -> Callable[[Any], Any]:
    """Decorator registering a class or function under ``package>name`` (``name`` defaults to
    its ``__name__``), so configs and files can name it.

    Example::

        @oi.saving.register_keras_serializable(package="my_package")
        class Gate(oi.layers.Layer):
            ...
    """
    if not isinstance(package, str) or not package or QUALIFIER in package:
        raise ValueError(f"register_keras_serializable: package must be a non-empty string without "
                         f"{QUALIFIER!r}; received {package!r}.")
    if name is not None and (not isinstance(name, str) or not name or QUALIFIER in name):
        raise ValueError(f"register_keras_serializable: name must be a non-empty string without "
                         f"{QUALIFIER!r}; received {name!r}.")

    def decorate(obj: Any) -> Any:
        if not callable(obj):
            raise TypeError(f"register_keras_serializable registers classes and functions; received "
                            f"{type(obj).__name__} {obj!r}.")
        if isinstance(obj, type) and not hasattr(obj, "get_config"):
            raise TypeError(f"{obj.__name__} must define get_config() to be serializable.")
        registered = f"{package}{QUALIFIER}{name or obj.__name__}"
        previous = _registered.get(registered)
        if previous is not None and previous is not obj:
            _names.pop(id(previous), None)
        _registered[registered] = obj
        _names[id(obj)] = registered
        return obj

    return decorate


register_serializable = register_keras_serializable


def get_custom_objects() -> dict[str, Any]:
    """The process-wide registrations, ``{"package>Name": object}`` (a live dict, as in Keras:
    adding to it registers)."""
    return _registered


def get_registered_name(obj: Any) -> str:
    """The name ``obj`` is registered under, else its ``__name__`` (as in Keras)."""
    return _names.get(id(obj)) or getattr(obj, "__name__", type(obj).__name__)


def get_registered_object(name: str, custom_objects: Mapping[str, Any] | None = None,
                          module_objects: Mapping[str, Any] | None = None) -> Any:
    """The object called ``name`` in the active scopes, ``custom_objects``, the registrations or
    ``module_objects``; None when none holds it."""
    for source in (*reversed(_scopes.stack), custom_objects or {}, _registered, module_objects or {}):
        if name in source:
            return source[name]
    return None


@contextlib.contextmanager
def custom_object_scope(*custom_objects: Mapping[str, Any]) -> Iterator[None]:
    """Within the block, configs may name the objects in ``custom_objects`` (dicts of
    ``name -> class or function``), e.g. while loading a model that uses them."""
    merged: dict[str, Any] = {}
    for objects in custom_objects:
        if objects is None:
            continue
        if not isinstance(objects, Mapping):
            raise TypeError(f"custom_object_scope takes dicts of name -> object; received "
                            f"{type(objects).__name__} {objects!r}.")
        merged.update(objects)
    previous = _scopes.stack
    _scopes.stack = (*previous, merged)
    try:
        yield
    finally:
        _scopes.stack = previous


CustomObjectScope = custom_object_scope


def find(name: str, base: type | None = None) -> Any:
    """The custom object called ``name`` (in a scope, a passed dict or the registrations), or
    None. With ``base``, only subclasses of ``base`` count."""
    found = get_registered_object(name)
    if found is not None and base is not None and not (isinstance(found, type) and issubclass(found, base)):
        return None
    return found


def name_of(obj: Any) -> str | None:
    """The registered ``package>Name`` of ``obj``, or None."""
    return _names.get(id(obj))
