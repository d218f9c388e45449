"""``oi.tree`` against ``keras.tree`` (Keras 3's own implementation, on optree) on the same inputs."""

from __future__ import annotations

import collections
import os

import pytest

os.environ.setdefault("KERAS_BACKEND", "jax")
import keras  # noqa: E402

from oneiros import tree  # noqa: E402

Point = collections.namedtuple("Point", ["x", "y"])
STRUCTURES = [
    1,
    None,
    [1, 2, (3, 4)],
    {"b": [1, None], "a": (2, {"d": 3, "c": 4})},
    (Point(1, [2, 3]), [], {}),
    collections.OrderedDict([("z", 1), ("a", 2)]),
]


@pytest.mark.parametrize("structure", STRUCTURES, ids=range(len(STRUCTURES)))
def test_flattening_and_packing_match_keras(structure):
    assert tree.flatten(structure) == keras.tree.flatten(structure)
    assert tree.flatten_with_path(structure) == keras.tree.flatten_with_path(structure)
    assert tree.is_nested(structure) == keras.tree.is_nested(structure)
    flat = [f"leaf{i}" for i in range(len(tree.flatten(structure)))]
    assert tree.pack_sequence_as(structure, flat) == keras.tree.pack_sequence_as(structure, flat)
    assert tree.map_structure(lambda leaf: (leaf,), structure) == keras.tree.map_structure(lambda leaf: (leaf,),
                                                                                           structure)
    assert tree.lists_to_tuples(structure) == keras.tree.lists_to_tuples(structure)


def test_traverse_map_shape_structure_and_up_to_match_keras():
    structure = {"a": [1, (2, 3)], "b": (4, [5])}

    def replace_tuples(value):
        return "tuple" if isinstance(value, tuple) else None

    assert tree.traverse(replace_tuples, structure) == keras.tree.traverse(replace_tuples, structure)
    assert tree.traverse(lambda v: tree.MAP_TO_NONE if v == 4 else None, structure) == \
        keras.tree.traverse(lambda v: keras.tree.MAP_TO_NONE if v == 4 else None, structure)
    assert tree.traverse(replace_tuples, structure, top_down=False) == \
        keras.tree.traverse(replace_tuples, structure, top_down=False)
    shapes = {"x": (None, 3), "y": [(2,), (4, 5)]}
    assert tree.map_shape_structure(len, shapes) == keras.tree.map_shape_structure(len, shapes)
    shallow, deep = [1, 2], [[1, 2], (3,)]
    assert tree.map_structure_up_to(shallow, len, deep) == keras.tree.map_structure_up_to(shallow, len, deep)
    assert tree.map_structure(lambda a, b: a + b, [1, (2,)], [10, (20,)]) == [11, (22,)]


def test_different_structures_are_refused_with_the_place_they_differ():
    with pytest.raises(ValueError, match=r"path \(1,\)"):
        tree.assert_same_structure([1, [2]], [1, 2])
    with pytest.raises(ValueError):
        keras.tree.assert_same_structure([1, [2]], [1, 2])
    tree.assert_same_paths([1, (2,)], (3, [4]))
    with pytest.raises(ValueError, match="different paths"):
        tree.assert_same_paths({"a": 1}, {"b": 1})
    with pytest.raises(ValueError, match="2 leaves; received a flat sequence of 3"):
        tree.pack_sequence_as([1, 2], [1, 2, 3])
