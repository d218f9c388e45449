"""Checks for backends that run ``scan`` / ``fori_loop`` as Python loops (eager engines).

They make such a loop refuse what a compiling backend would refuse: a carry that changes its
structure, shapes or dtypes between steps, or ``xs`` whose leading axes disagree.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from oneiros._tree import tree_leaves


def tree_structure(tree: Any) -> Any:
    """The containers of a pytree with every leaf replaced by a marker, for comparison."""
    if isinstance(tree, dict):
        keys = sorted(tree, key=repr)
        return dict, tuple(keys), tuple(tree_structure(tree[key]) for key in keys)
    if isinstance(tree, (list, tuple)):
        return type(tree), len(tree), tuple(tree_structure(item) for item in tree)
    return None if tree is None else "leaf"


def tree_signature(tree: Any, dtype_name: Callable[[Any], str]) -> list[str]:
    """``dtype[shape]`` of every leaf, e.g. ``["float32[2, 3]"]``."""
    return [f"{dtype_name(leaf)}{list(leaf.shape)}" for leaf in tree_leaves(tree)]


def check_carry(new: Any, old: Any, what: str, dtype_name: Callable[[Any], str]) -> None:
    """Raises TypeError unless ``new`` has the structure, shapes and dtypes of ``old``."""
    new_signature, old_signature = tree_signature(new, dtype_name), tree_signature(old, dtype_name)
    if tree_structure(new) != tree_structure(old) or new_signature != old_signature:
        raise TypeError(
            f"{what} must return a carry with the structure, shapes and dtypes of the initial "
            f"one; received {new_signature} in {tree_structure(new)!r}, expected "
            f"{old_signature} in {tree_structure(old)!r}."
        )


def scan_length(xs: Any, length: int | None) -> int:
    """The number of scan steps: the leading axis all ``xs`` leaves (and ``length``) agree on."""
    lengths = set()
    for leaf in tree_leaves(xs):
        if leaf.ndim == 0:
            raise ValueError("scan's xs leaves need a leading axis to scan over; received a scalar.")
        lengths.add(leaf.shape[0])
    if length is not None:
        lengths.add(int(length))
    if not lengths:
        raise ValueError("scan needs xs or a length; received neither.")
    if len(lengths) > 1:
        raise ValueError(
            f"scan's xs leaves (and length, if given) must agree on the leading axis; received "
            f"lengths {sorted(lengths)}."
        )
    return lengths.pop()
