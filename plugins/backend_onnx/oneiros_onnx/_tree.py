"""Flattening nested lists, tuples and dicts into leaves, and putting new leaves back."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

Rebuild = Callable[[list[Any]], Any]


def is_container(value: Any) -> bool:
    return isinstance(value, (list, tuple, dict))


def flatten(tree: Any, is_leaf: Callable[[Any], bool] = lambda value: not is_container(value)
            ) -> tuple[list[Any], Rebuild]:
    """The leaves of ``tree`` (dict keys in sorted order) and a function rebuilding it from new leaves.

    Values that are neither leaves nor containers stay as they are in the rebuilt tree.
    """
    leaves: list[Any] = []

    def walk(node: Any) -> Rebuild:
        if is_leaf(node):
            index = len(leaves)
            leaves.append(node)
            return lambda new: new[index]
        if isinstance(node, dict):
            parts = {key: walk(node[key]) for key in sorted(node, key=repr)}
            return lambda new: {key: part(new) for key, part in parts.items()}
        if isinstance(node, (list, tuple)):
            items = [walk(item) for item in node]
            if hasattr(node, "_fields"):
                return lambda new: type(node)(*(part(new) for part in items))
            kind = type(node)
            return lambda new: kind(part(new) for part in items)
        return lambda new: node

    return leaves, walk(tree)


def structure_key(tree: Any, is_leaf: Callable[[Any], bool], leaf_key: Callable[[Any], Any]) -> Any:
    """A hashable description of ``tree``: its containers, ``leaf_key`` of leaves, other values as is."""
    if is_leaf(tree):
        return ("leaf", leaf_key(tree))
    if isinstance(tree, dict):
        return ("dict", tuple((repr(key), structure_key(tree[key], is_leaf, leaf_key))
                              for key in sorted(tree, key=repr)))
    if isinstance(tree, (list, tuple)):
        return (type(tree).__name__, tuple(structure_key(item, is_leaf, leaf_key) for item in tree))
    return static_key(tree)


class Unhashable(Exception):
    """A static argument that cannot be part of a cache key (a function, an object)."""


def static_key(value: Any) -> Any:
    """A hashable key for a static argument that tells True, 1 and 1.0 apart."""
    if value is None or isinstance(value, (str, bytes)):
        return value
    if isinstance(value, (bool, int, float, complex)):
        return (type(value).__name__, value)
    if isinstance(value, np.dtype) or isinstance(value, type) and issubclass(value, np.generic):
        return ("dtype", np.dtype(value).str)
    raise Unhashable(type(value).__name__)
