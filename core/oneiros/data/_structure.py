"""Nested structures of arrays (a single array, lists/tuples, dicts) as data flows through fit."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def map_arrays(fn: Callable[[Any], Any], structure: Any) -> Any:
    if structure is None:
        return None
    if isinstance(structure, dict):
        return {key: map_arrays(fn, value) for key, value in structure.items()}
    if isinstance(structure, (list, tuple)):
        return type(structure)(map_arrays(fn, value) for value in structure)
    return fn(structure)


def leaves(structure: Any, prefix: str = "") -> list[tuple[str, Any]]:
    """(readable path, array) pairs, e.g. ``("x['image']", array)``."""
    if structure is None:
        return []
    if isinstance(structure, dict):
        return [pair for key, value in structure.items() for pair in leaves(value, f"{prefix}[{key!r}]")]
    if isinstance(structure, (list, tuple)):
        return [pair for index, value in enumerate(structure) for pair in leaves(value, f"{prefix}[{index}]")]
    return [(prefix, structure)]
