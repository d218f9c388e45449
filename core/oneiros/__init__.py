"""Oneiros: a Keras-style deep-learning library whose every concrete feature is a plugin.

``import oneiros`` is cheap: it imports no engine and loads no plugin. Plugins are discovered
on first use of a registry (``oneiros.layers.get``, ``oneiros.get_backend``...).
"""

from __future__ import annotations

import importlib
from typing import Any

from oneiros import errors
from oneiros._hookspecs import hookimpl
from oneiros._lazy import lazy
from oneiros._version import PLUGIN_API, __version__
from oneiros.backend import backend_scope, get_backend, set_backend

_LAZY_MODULES = ("ops", "dtypes", "layers", "losses", "metrics", "optimizers", "callbacks", "distribution",
                 "data", "models", "testing", "initializers", "activations", "regularizers",
                 "constraints", "random_state", "saving", "random", "utils", "tree", "mixed_precision", "quantizers",
                 "datasets", "applications", "arguments", "preprocessing", "config")
_LAZY_ATTRIBUTES = {
    "Sequential": "oneiros.models",
    "Model": "oneiros.models",
    "Input": "oneiros.layers",
    "set_random_seed": "oneiros.random_state",
    "load_model": "oneiros.saving",
    "Variable": "oneiros.variables",
}

__all__ = ["PLUGIN_API", "__version__", "backend_scope", "errors", "get_backend", "hookimpl",
           "lazy", "set_backend", *_LAZY_MODULES, *_LAZY_ATTRIBUTES]


def __getattr__(name: str) -> Any:
    if name in _LAZY_MODULES:
        return importlib.import_module(f"oneiros.{name}")
    if name in _LAZY_ATTRIBUTES:
        return getattr(importlib.import_module(_LAZY_ATTRIBUTES[name]), name)
    raise AttributeError(f"module 'oneiros' has no attribute {name!r}")
