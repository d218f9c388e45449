"""Flattening nested lists, tuples and dicts (dict keys in sorted order, as JAX orders them)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Rebuild = Callable[[list[Any]], Any]


def is_container(value: Any) -> bool:
    return isinstance(value, (list, tuple, dict))


def flatten(tree: Any, is_leaf: Callable[[Any], bool]) -> tuple[list[Any], Rebuild]:
    """The leaves of ``tree`` and a function putting new leaves back in their places.

    Values that are neither leaves nor containers stay fixed in the rebuilt tree.
    """
    leaves: list[Any] = []

    def walk(node: Any) -> Rebuild:
        if is_leaf(node):
            index = len(leaves)
            leaves.append(node)
            return lambda new: new[index]
        if isinstance(node, dict):
            parts = {key: walk(node[key]) for key in sorted(node)}
            return lambda new: {key: part(new) for key, part in parts.items()}
        if isinstance(node, (list, tuple)):
            kind = type(node)
            items = [walk(item) for item in node]
            return lambda new: kind(part(new) for part in items)
        return lambda new: node

    return leaves, walk(tree)


def output_leaves(tree: Any) -> list[Any]:
    return flatten(tree, lambda node: not is_container(node))[0]


def structure(tree: Any) -> Any:
    """The nesting of ``tree`` with leaves blanked out (lists and tuples count as sequences)."""
    if isinstance(tree, dict):
        return {key: structure(tree[key]) for key in sorted(tree)}
    if isinstance(tree, (list, tuple)):
        return [structure(item) for item in tree]
    return "*"
