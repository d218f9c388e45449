"""KerasFileEditor reads Keras 3's own files as Keras's editor does (the oracle, side by side), and
what it saves after edits loads back into Keras 3 and Oneiros models."""

from __future__ import annotations

import os

import numpy as np
import pytest

os.environ.setdefault("KERAS_BACKEND", "jax")
import keras  # noqa: E402

import oneiros as oi  # noqa: E402
from oneiros.saving import KerasFileEditor  # noqa: E402


def keras_model():
    keras.utils.set_random_seed(1)
    return keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, name="hidden"), keras.layers.Flatten(),
                             keras.layers.Dense(2, name="head")])


@pytest.fixture(scope="module")
def keras_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("editor") / "model.keras"
    keras_model().save(path)
    return path


def assert_same_tree(ours, theirs):
    assert list(ours) == list(theirs)
    for key in ours:
        if isinstance(theirs[key], dict):
            assert_same_tree(ours[key], theirs[key])
        else:
            np.testing.assert_array_equal(ours[key], np.asarray(theirs[key]))


def test_weights_tree_and_edits_match_keras_and_load_back(keras_file, tmp_path):
    ours, theirs = KerasFileEditor(str(keras_file)), keras.saving.KerasFileEditor(str(keras_file))
    assert_same_tree(ours.weights_dict, theirs.weights_dict)
    assert ours.config == theirs.config and ours.metadata == theirs.metadata
    for editor in (ours, theirs):
        editor.rename_object("dense", "renamed")
        editor.delete_weight("dense_1", "1")
        editor.add_weights("dense_1", {"1": np.full((2,), 0.5, "float32")})
        editor.add_object("layers/extra", {"0": np.ones((2, 2), "float32")})
        editor.delete_object("layers/extra")
        editor.rename_object("layers/renamed", "dense")
    assert_same_tree(ours.weights_dict, theirs.weights_dict)
    ours.save(tmp_path / "edited.weights.h5")
    restored = keras_model()
    restored.load_weights(tmp_path / "edited.weights.h5")
    np.testing.assert_array_equal(restored.layers[-1].get_weights()[1], [0.5, 0.5])
    np.testing.assert_array_equal(restored.layers[0].get_weights()[0], ours.weights_dict["layers"]["dense"]["0"])
    model = oi.Sequential([oi.layers.Input((4,)), oi.layers.Dense(3), oi.layers.Flatten(), oi.layers.Dense(2)])
    assert ours.compare(model) == {"status": "success", "error_count": 0, "match_count": 4}
    model.load_weights(tmp_path / "edited.weights.h5")
    np.testing.assert_array_equal(model.get_weights()[3], [0.5, 0.5])


def test_errors_name_what_is_wrong(keras_file, tmp_path):
    editor = KerasFileEditor(keras_file)
    with pytest.raises(ValueError, match="'missing' does not appear"):
        editor.delete_object("missing")
    with pytest.raises(ValueError, match="Weight '7' not found in object 'dense_1'"):
        editor.delete_weight("dense_1", "7")
    with pytest.raises(ValueError, match="leaf name"):
        editor.rename_object("dense_1", "layers/other")
    with pytest.raises(ValueError, match="expected a .keras or .weights.h5 file"):
        KerasFileEditor(tmp_path / "model.h5")
    with pytest.raises(ValueError, match="writes a .weights.h5 file"):
        editor.save(tmp_path / "model.keras")
    mismatched = oi.Sequential([oi.layers.Input((5,)), oi.layers.Dense(3), oi.layers.Flatten(), oi.layers.Dense(2)])
    assert editor.compare(mismatched)["status"] == "error"
