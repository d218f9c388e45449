"""Minimal pytrees (nested lists, tuples and dicts) for backends without their own."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def tree_map(fn: Callable, tree: Any, *rest: Any) -> Any:
    if isinstance(tree, dict):
        return {key: tree_map(fn, tree[key], *(other[key] for other in rest)) for key in tree}
    if isinstance(tree, (list, tuple)):
        mapped = [tree_map(fn, *items) for items in zip(tree, *rest)]
        return type(tree)(mapped) if not hasattr(tree, "_fields") else type(tree)(*mapped)
    if tree is None:
        return None
    return fn(tree, *rest)


def tree_leaves(tree: Any) -> list[Any]:
    leaves: list[Any] = []
    tree_map(leaves.append, tree)
    return leaves
