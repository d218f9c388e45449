"""Adapted vocabularies in Keras's ``.keras`` files (``assets/<layer path>/vocabulary.txt``): read
here as Keras reads them, against Keras 3 itself (its lookups, its saved files)."""

from __future__ import annotations

import os
import zipfile

import numpy as np
import pytest

os.environ.setdefault("KERAS_BACKEND", "jax")
import keras  # noqa: E402

import oneiros as oi  # noqa: E402
from oneiros import layers  # noqa: E402
from oneiros.errors import CorruptFileError  # noqa: E402

TEXTS = ["the cat sat", "the dog ran far", "a cat", "the end"]


def keras_asset(layer, tmp_path):
    layer.save_assets(str(tmp_path))
    return {"vocabulary.txt": (tmp_path / "vocabulary.txt").read_bytes()}


@pytest.mark.parametrize(("make", "data", "probe"), [
    (lambda k: k.TextVectorization(max_tokens=20, output_sequence_length=5),
     TEXTS, np.array(["the cat ran home", "zebra"], dtype=object)),
    (lambda k: k.TextVectorization(output_mode="multi_hot", ngrams=2),
     TEXTS, np.array(["the cat sat", "a dog"], dtype=object)),
    (lambda k: k.StringLookup(mask_token="", num_oov_indices=2),
     np.array([["x"], ["y"], ["x"], ["z"]]), np.array([["x"], ["q"], [""], ["z"]], dtype=object)),
    (lambda k: k.IntegerLookup(mask_token=0),
     np.array([[3], [5], [3], [9]]), np.array([[3], [7], [0], [9]])),
])
def test_a_keras_vocabulary_file_gives_the_lookups_keras_gives(tmp_path, make, data, probe):
    theirs = make(keras.layers)
    theirs.adapt(data)
    ours = make(layers)
    ours.load_keras_assets(keras_asset(theirs, tmp_path))
    assert ours.get_vocabulary() == [token.decode() if isinstance(token, bytes) else token
                                     for token in theirs.get_vocabulary()]
    np.testing.assert_array_equal(np.asarray(ours(probe)), keras.ops.convert_to_numpy(theirs(probe)))


def test_a_vocabulary_in_the_config_wins_over_the_file_as_in_keras(tmp_path):
    theirs = keras.layers.StringLookup()
    theirs.adapt(np.array([["x"], ["y"]]))
    ours = layers.StringLookup(vocabulary=["b", "a"])
    ours.load_keras_assets(keras_asset(theirs, tmp_path))
    assert ours.get_vocabulary() == ["[UNK]", "b", "a"]


@pytest.fixture(scope="module")
def keras_lookup_file(tmp_path_factory):
    lookup = keras.layers.IntegerLookup()
    lookup.adapt(np.array([[3], [5], [3], [8], [3]]))
    model = keras.Sequential([keras.Input((1,), dtype="int64"), lookup])
    path = tmp_path_factory.mktemp("keras") / "lookup.keras"
    model.save(path)
    return path, model


def test_a_keras_model_with_an_adapted_lookup_loads_with_its_vocabulary(keras_lookup_file):
    path, keras_model = keras_lookup_file
    with zipfile.ZipFile(path) as archive:
        assert "assets/layers/integer_lookup/vocabulary.txt" in archive.namelist()
    model = oi.saving.load_model(path)
    probe = np.array([[3], [8], [4], [5]])
    np.testing.assert_array_equal(np.asarray(model(probe)), keras_model.predict(probe, verbose=0))
    assert model.layers[-1].get_vocabulary() == keras_model.layers[-1].get_vocabulary()


def test_assets_for_no_layer_make_the_file_unreadable(keras_lookup_file, tmp_path):
    path, _ = keras_lookup_file
    damaged = tmp_path / "damaged.keras"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(damaged, "w") as target:
        for name in source.namelist():
            target.writestr(name, source.read(name))
        target.writestr("assets/layers/dense/vocabulary.txt", "a\nb")
    with pytest.raises(CorruptFileError, match=r"assets \['vocabulary.txt'\] for assets/layers/dense: no layer"):
        oi.saving.load_model(damaged)
