"""Oneiros losses: the core's built-ins, and every plugin's through `get` and attribute access."""

from oneiros._namespace import registry_accessors

BUILTINS: list = []
"""What the core registers through `register_losses`; each entry is a class or function."""

get, __getattr__ = registry_accessors("losses", __name__)
