"""``oi.tree``: Keras 3's functions over nested structures of lists, tuples, dicts and namedtuples.

As in Keras, dicts are visited in sorted key order (an OrderedDict in its own order), ``None`` is a leaf, and a structure rebuilt by
``pack_sequence_as`` keeps each container's type.

Example::

    from oneiros import tree

    tree.flatten({"b": [1, 2], "a": (3, None)})          # [3, None, 1, 2]
    tree.map_structure(lambda x: x * 2, {"a": [1, (2,)]})  # {"a": [2, (4,)]}
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import Any

MAP_TO_NONE = object()
"""Returned by a ``traverse`` function to replace a subtree with ``None``."""


def is_nested(structure: Any) -> bool:
    """Whether ``structure`` is a container this module looks into (list, tuple, dict)."""
    return isinstance(structure, (list, tuple, Mapping))


def _keys(mapping: Mapping) -> list[Any]:
    """An OrderedDict keeps its order; other mappings are visited in sorted key order (as Keras)."""
    return list(mapping) if isinstance(mapping, OrderedDict) else sorted(mapping)


def _children(structure: Any) -> list[tuple[Any, Any]]:
    if isinstance(structure, Mapping):
        return [(key, structure[key]) for key in _keys(structure)]
    return list(enumerate(structure))


def _rebuild(template: Any, values: list[Any]) -> Any:
    if isinstance(template, Mapping):
        rebuilt = dict(zip(_keys(template), values))
        return type(template)((key, rebuilt[key]) for key in template)
    if isinstance(template, tuple) and hasattr(template, "_fields"):
        return type(template)(*values)
    return type(template)(values)


def flatten(structure: Any) -> list[Any]:
    """The leaves of ``structure``, depth first."""
    if not is_nested(structure):
        return [structure]
    return [leaf for _, child in _children(structure) for leaf in flatten(child)]


def flatten_with_path(structure: Any) -> list[tuple[tuple, Any]]:
    """``(path, leaf)`` pairs, the path holding the keys and indices leading to each leaf."""
    if not is_nested(structure):
        return [((), structure)]
    return [((key, *path), leaf) for key, child in _children(structure) for path, leaf in flatten_with_path(child)]


def pack_sequence_as(structure: Any, flat_sequence: Any, sequence_fn: Callable | None = None) -> Any:
    """``flat_sequence`` arranged like ``structure`` (whose own leaves are ignored)."""
    flat = list(flat_sequence)
    expected = len(flatten(structure))
    if len(flat) != expected:
        raise ValueError(f"pack_sequence_as: the structure has {expected} leaves; received a flat sequence of "
                         f"{len(flat)} items.")
    position = 0

    def pack(template: Any) -> Any:
        nonlocal position
        if not is_nested(template):
            position += 1
            return flat[position - 1]
        values = [pack(child) for _, child in _children(template)]
        return sequence_fn(template, values) if sequence_fn is not None else _rebuild(template, values)

    return pack(structure)


def assert_same_structure(a: Any, b: Any) -> None:
    """Raises ValueError naming the first difference when ``a`` and ``b`` nest differently."""
    _compare(a, b, (), paths_only=False)


def assert_same_paths(a: Any, b: Any) -> None:
    """Raises ValueError when ``a`` and ``b`` do not have the same leaf paths (types may differ)."""
    paths_a = {path for path, _ in flatten_with_path(a)}
    paths_b = {path for path, _ in flatten_with_path(b)}
    if paths_a != paths_b:
        raise ValueError(f"The two structures have different paths: only in the first "
                         f"{sorted(paths_a - paths_b, key=repr)}, only in the second {sorted(paths_b - paths_a, key=repr)}.")


def _compare(a: Any, b: Any, path: tuple, paths_only: bool) -> None:
    if is_nested(a) != is_nested(b):
        raise ValueError(f"The two structures differ at path {path}: {_kind(a)} and {_kind(b)}.")
    if not is_nested(a):
        return
    if isinstance(a, Mapping) != isinstance(b, Mapping) or (
            not paths_only and _container_kind(a) != _container_kind(b)):
        raise ValueError(f"The two structures differ at path {path}: {_kind(a)} and {_kind(b)}.")
    keys_a, keys_b = [key for key, _ in _children(a)], [key for key, _ in _children(b)]
    if keys_a != keys_b:
        raise ValueError(f"The two structures differ at path {path}: keys {keys_a} and {keys_b}.")
    for (key, child_a), (_, child_b) in zip(_children(a), _children(b)):
        _compare(child_a, child_b, (*path, key), paths_only)


def _container_kind(structure: Any) -> str:
    if isinstance(structure, Mapping):
        return "dict"
    if isinstance(structure, tuple) and hasattr(structure, "_fields"):
        return type(structure).__name__
    return "list" if isinstance(structure, list) else "tuple"


def _kind(structure: Any) -> str:
    if is_nested(structure):
        return f"a {_container_kind(structure)} of {len(structure)}"
    return f"a leaf {type(structure).__name__}"


def map_structure(func: Callable, *structures: Any, none_is_leaf: bool = True) -> Any:
    """``func`` applied to the leaves at the same place in every structure (which must match)."""
    if not structures:
        raise TypeError("map_structure needs at least one structure.")
    for other in structures[1:]:
        assert_same_structure(structures[0], other)
    columns = [flatten(structure) for structure in structures]

    def call(*leaves: Any) -> Any:
        if not none_is_leaf and any(leaf is None for leaf in leaves):
            return None
        return func(*leaves)

    return pack_sequence_as(structures[0], [call(*leaves) for leaves in zip(*columns)])


def map_structure_up_to(shallow_structure: Any, func: Callable, *structures: Any) -> Any:
    """Like :func:`map_structure`, descending only as deep as ``shallow_structure``."""

    def walk(shallow: Any, values: tuple) -> Any:
        if not is_nested(shallow):
            return func(*values)
        for value in values:
            if not is_nested(value) or len(value) != len(shallow):
                raise ValueError(f"map_structure_up_to: {value!r} does not have the shape of {shallow!r}.")
        children = [walk(child, tuple(_children(value)[index][1] for value in values))
                    for index, (_, child) in enumerate(_children(shallow))]
        return _rebuild(shallow, children)

    return walk(shallow_structure, structures)


def map_shape_structure(func: Callable, structure: Any) -> Any:
    """:func:`map_structure` where tuples and lists of ints or ``None`` (shapes) are leaves."""

    def is_shape(value: Any) -> bool:
        return isinstance(value, (tuple, list)) and all(isinstance(dim, int) or dim is None for dim in value)

    def walk(value: Any) -> Any:
        if is_shape(value) or not is_nested(value):
            return func(value)
        return _rebuild(value, [walk(child) for _, child in _children(value)])

    return walk(structure)


def lists_to_tuples(structure: Any) -> Any:
    """``structure`` with every list turned into a tuple."""
    if not is_nested(structure):
        return structure
    values = [lists_to_tuples(child) for _, child in _children(structure)]
    return tuple(values) if isinstance(structure, list) else _rebuild(structure, values)


def traverse(func: Callable, structure: Any, top_down: bool = True) -> Any:
    """Visits every subtree. Top down, a non-None result of ``func`` replaces the subtree and stops
    the descent (``MAP_TO_NONE`` replaces it with ``None``); bottom up, ``func`` sees the subtree
    rebuilt from its visited children."""

    def finish(value: Any) -> Any:
        return None if value is MAP_TO_NONE else value

    def walk(value: Any) -> Any:
        if top_down:
            result = func(value)
            if result is not None:
                return finish(result)
            if not is_nested(value):
                return value
            return _rebuild(value, [walk(child) for _, child in _children(value)])
        rebuilt = _rebuild(value, [walk(child) for _, child in _children(value)]) if is_nested(value) else value
        result = func(rebuilt)
        return rebuilt if result is None else finish(result)

    return walk(structure)
