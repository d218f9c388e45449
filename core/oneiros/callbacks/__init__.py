"""Oneiros callbacks: the core's built-ins, and every plugin's through ``get`` and attribute access."""

from oneiros._namespace import registry_accessors
from oneiros.callbacks._base import Callback, CallbackList
from oneiros.callbacks._history import History
from oneiros.callbacks._progbar import ProgbarLogger

BUILTINS: list = [Callback, History, ProgbarLogger]
"""What the core registers through ``register_callbacks``; each entry is a class or function."""

get, __getattr__ = registry_accessors("callbacks", __name__)

__all__ = ["BUILTINS", "Callback", "CallbackList", "History", "ProgbarLogger", "get"]
