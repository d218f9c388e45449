"""Oneiros layers: the core's built-ins, and every plugin's through ``get`` and attribute access."""

from oneiros._namespace import registry_accessors

BUILTINS: list = []
"""What the core registers through ``register_layers``."""

get, __getattr__ = registry_accessors("layers", __name__)
