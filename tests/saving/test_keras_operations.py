"""Keras ops on symbolic tensors (``x[:, 0]``, ``ops.mean(x, axis=1)``, ``x * 2``) in functional
models, both ways through ``.keras`` files, against Keras 3 itself: models Keras saves load here
and predict what Keras predicts; models built with ``oneiros.ops`` load in Keras and predict the same."""

from __future__ import annotations

import json
import os
import sys
import warnings
import zipfile
from pathlib import Path

import numpy as np
import pytest

os.environ.setdefault("KERAS_BACKEND", "jax")
import keras  # noqa: E402

import oneiros as oi  # noqa: E402
from oneiros.errors import CorruptFileError  # noqa: E402

sys.path.insert(0, str(Path(__file__).parent))
import keras_operations_table  # noqa: E402

X = np.random.default_rng(11).random((3, 4, 6), dtype=np.float32)
WEIGHTS = np.random.default_rng(12).random((6, 2), dtype=np.float32)


def graphs(api, ops):
    """The same op-heavy functional graph written against Keras's or Oneiros's API."""
    inputs = api.Input((4, 6))
    first = api.layers.Dense(5)(inputs[:, 0])
    window = ops.reshape(inputs[:, 1:, ::2], (-1, 9))
    pooled = ops.mean(inputs, axis=1, keepdims=True) * 2.0 + 1.0
    mixed = ops.einsum("bij,bkj->bik", inputs, inputs)
    gated = ops.where(inputs > 0.5, inputs, ops.zeros_like(inputs))
    joined = ops.concatenate([inputs[..., :2], ops.softmax(gated, axis=-1)[..., 2:]], axis=-1)
    projected = ops.matmul(ops.transpose(inputs, (0, 2, 1))[:, :, 0], WEIGHTS)
    picked = ops.take(inputs, np.array([3, 0]), axis=2)
    return api.Model(inputs, [first, window, pooled, mixed, joined, projected, ops.clip(picked, 0.2, 0.7)])


def assert_same(ours, theirs):
    for got, want in zip(ours, theirs):
        np.testing.assert_allclose(np.asarray(got), np.asarray(want), atol=1e-5)


def test_the_operation_table_matches_the_installed_keras():
    table = keras_operations_table.TABLE
    assert table.read_text() == keras_operations_table.source(), (
        f"{table} is stale: run `python tests/saving/keras_operations_table.py`")


def test_a_keras_graph_of_ops_loads_and_predicts_what_keras_predicts(tmp_path):
    model = graphs(keras, keras.ops)
    model.save(tmp_path / "ops.keras")
    loaded = oi.load_model(tmp_path / "ops.keras")
    assert_same(loaded.predict(X, verbose=0), model.predict(X, verbose=0))
    loaded.save(tmp_path / "back.keras")
    assert_same(keras.saving.load_model(tmp_path / "back.keras").predict(X, verbose=0), model.predict(X, verbose=0))


def test_a_graph_of_oneiros_ops_is_written_as_keras_operations(tmp_path):
    model = graphs(oi, oi.ops)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "Keras 3 has no layer class" warning
        model.save(tmp_path / "ours.keras")
    config = json.loads(zipfile.ZipFile(tmp_path / "ours.keras").read("config.json"))
    classes = {layer["class_name"] for layer in config["config"]["layers"]}
    assert {"GetItem", "Reshape", "Mean", "Multiply", "Add", "Einsum", "Where", "Softmax", "Take"} <= classes
    theirs = keras.saving.load_model(tmp_path / "ours.keras")
    assert_same(theirs.predict(X, verbose=0), model.predict(X, verbose=0))


def _rewritten(source, target, change):
    config = json.loads(zipfile.ZipFile(source).read("config.json"))
    change(config["config"]["layers"])
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for name in old.namelist():
            new.writestr(name, json.dumps(config) if name == "config.json" else old.read(name))
    return target


@pytest.fixture(scope="module")
def cumsum_file(tmp_path_factory):
    inputs = keras.Input((5,))
    path = tmp_path_factory.mktemp("keras") / "cumsum.keras"
    keras.Model(inputs, keras.ops.cumsum(inputs, axis=1)).save(path)
    return path


def test_an_op_oneiros_lacks_is_refused_by_name(cumsum_file, tmp_path):
    def rename(layers):
        layers[1]["class_name"] = "Frobnicate"

    with pytest.raises(CorruptFileError, match="Keras operation 'Frobnicate'.*oneiros.ops does not have"):
        oi.load_model(_rewritten(cumsum_file, tmp_path / "unknown.keras", rename))


def test_a_keras_argument_oneiros_lacks_is_refused_unless_it_is_keras_default(cumsum_file, tmp_path):
    np.testing.assert_allclose(oi.load_model(cumsum_file).predict(X[:, 0, :5], verbose=0),
                               np.cumsum(X[:, 0, :5], axis=1), rtol=1e-6)

    def cast(layers):
        layers[1]["config"]["dtype"] = "int32"

    with pytest.raises(CorruptFileError, match=r"Keras operation Cumsum argument dtype='int32'"):
        oi.load_model(_rewritten(cumsum_file, tmp_path / "cast.keras", cast))
