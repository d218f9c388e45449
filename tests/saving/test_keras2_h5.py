"""Keras 2 ``.h5`` model files, written here with h5py in Keras 2's documented layout (file
attributes ``model_config``/``training_config``, group ``model_weights`` with ``layer_names``,
per-layer ``weight_names``), load with the weights in Keras's order; predictions are checked
against numpy computing the same network."""

from __future__ import annotations

import json

import numpy as np
import pytest

import oneiros as oi
from oneiros.errors import WeightsMismatchError

h5py = pytest.importorskip("h5py")

GLOROT = {"class_name": "VarianceScaling", "config": {"scale": 1.0, "mode": "fan_avg", "distribution": "uniform",
                                                      "seed": None}}


def _dense(name, units, activation, **extra):
    return {"class_name": "Dense", "config": {
        "name": name, "trainable": True, "units": units, "activation": activation, "use_bias": True,
        "kernel_initializer": GLOROT, "bias_initializer": {"class_name": "Zeros", "config": {}},
        "kernel_regularizer": None, "bias_regularizer": None, "activity_regularizer": None,
        "kernel_constraint": None, "bias_constraint": None, **extra}}


def _weights():
    rng = np.random.default_rng(4)
    return {"dense_1": [rng.normal(size=(4, 5)).astype("float32"), rng.normal(size=5).astype("float32")],
            "dense_2": [rng.normal(size=(5, 2)).astype("float32"), rng.normal(size=2).astype("float32")]}


def _write(path, model_config, weights, training_config=None, extra_layers=()):
    with h5py.File(path, "w") as handle:
        handle.attrs["keras_version"] = b"2.2.4"
        handle.attrs["backend"] = b"tensorflow"
        handle.attrs["model_config"] = json.dumps(model_config).encode()
        if training_config is not None:
            handle.attrs["training_config"] = json.dumps(training_config).encode()
        group = handle.create_group("model_weights")
        group.attrs["layer_names"] = [name.encode() for name in (*extra_layers, *weights)]
        for name in extra_layers:
            group.create_group(name).attrs["weight_names"] = np.array([], dtype="S1")
        for name, (kernel, bias) in weights.items():
            layer = group.create_group(name)
            layer.attrs["weight_names"] = [f"{name}/kernel:0".encode(), f"{name}/bias:0".encode()]
            layer[f"{name}/kernel:0"] = kernel
            layer[f"{name}/bias:0"] = bias
    return path


def _expected(x, weights):
    (w1, b1), (w2, b2) = weights["dense_1"], weights["dense_2"]
    hidden = np.maximum(x @ w1 + b1, 0)
    logits = hidden @ w2 + b2
    return np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)


SEQUENTIAL_WITHOUT_INPUT = {"class_name": "Sequential", "config": {"name": "sequential_1", "layers": [
    _dense("dense_1", 5, "relu", batch_input_shape=[None, 4], dtype="float32"), _dense("dense_2", 2, "softmax")]}}
SEQUENTIAL_WITH_INPUT = {"class_name": "Sequential", "config": {"name": "sequential", "layers": [
    {"class_name": "InputLayer", "config": {"batch_input_shape": [None, 4], "dtype": "float32", "sparse": False,
                                            "ragged": False, "name": "dense_input"}},
    _dense("dense_1", 5, "relu"), _dense("dense_2", 2, "softmax")]}}
FUNCTIONAL = {"class_name": "Model", "config": {
    "name": "model_1",
    "layers": [
        {"name": "input_1", "class_name": "InputLayer", "inbound_nodes": [],
         "config": {"batch_input_shape": [None, 4], "dtype": "float32", "sparse": False, "name": "input_1"}},
        {**_dense("dense_1", 5, "relu"), "name": "dense_1", "inbound_nodes": [[["input_1", 0, 0, {}]]]},
        {**_dense("dense_2", 2, "softmax"), "name": "dense_2", "inbound_nodes": [[["dense_1", 0, 0, {}]]]},
    ],
    "input_layers": [["input_1", 0, 0]], "output_layers": [["dense_2", 0, 0]]}}
TRAINING = {"optimizer_config": {"class_name": "Adam", "config": {"lr": 0.0025, "beta_1": 0.9, "beta_2": 0.999,
                                                                  "decay": 0.0, "epsilon": 1e-07, "amsgrad": False}},
            "loss": "categorical_crossentropy", "metrics": ["accuracy"], "sample_weight_mode": None,
            "loss_weights": None}


@pytest.mark.parametrize("config", [SEQUENTIAL_WITHOUT_INPUT, SEQUENTIAL_WITH_INPUT, FUNCTIONAL],
                         ids=["keras-2.2-sequential", "tf-keras-sequential", "keras-2-functional"])
def test_a_keras_2_model_file_loads_and_predicts_like_numpy(tmp_path, config):
    weights = _weights()
    extra = ("input_1",) if config is FUNCTIONAL else ()
    path = _write(tmp_path / "legacy.h5", config, weights, TRAINING, extra)
    model = oi.load_model(path)
    x = np.random.default_rng(1).random((6, 4), dtype=np.float32)
    np.testing.assert_allclose(model.predict(x, verbose=0), _expected(x, weights), atol=1e-5)
    assert type(model.compiled.optimizer).__name__ == "Adam"
    assert model.compiled.optimizer.get_config()["learning_rate"] == pytest.approx(0.0025)
    assert model.compiled.loss_spec == "categorical_crossentropy"


def test_keras_2_weights_load_into_a_model_built_in_code(tmp_path):
    weights = _weights()
    path = _write(tmp_path / "legacy.h5", SEQUENTIAL_WITH_INPUT, weights)
    model = oi.Sequential([oi.layers.Input((4,)), oi.layers.Dense(5, activation="relu", name="dense_1"),
                           oi.layers.Dense(2, activation="softmax", name="dense_2")])
    model.load_weights(path)
    np.testing.assert_array_equal(model.get_weights()[0], weights["dense_1"][0])
    wrong = oi.Sequential([oi.layers.Input((4,)), oi.layers.Dense(3, name="dense_1"), oi.layers.Dense(2, name="dense_2")])
    before = [w.copy() for w in wrong.get_weights()]
    with pytest.raises(WeightsMismatchError, match="shape"):
        wrong.load_weights(path)
    for after, earlier in zip(wrong.get_weights(), before):
        np.testing.assert_array_equal(after, earlier)  # nothing assigned before every weight was checked
