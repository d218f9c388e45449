"""Keras's files both ways, against Keras 3 itself as the oracle: models built and saved by Keras
load here and predict what Keras predicts; models saved here load in Keras (a fresh process) and
predict what Oneiros predicts; training resumes from Keras's optimizer state as Keras resumes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import warnings
import zipfile

import numpy as np
import pytest

os.environ.setdefault("KERAS_BACKEND", "jax")

import oneiros as oi  # noqa: E402
from oneiros import layers  # noqa: E402

TOLERANCE = 1e-5


def _keras_models(keras):
    """The four acceptance models, built in Keras (inputs drawn with a fixed seed)."""
    kl = keras.layers
    rng = np.random.default_rng(7)
    convnet = keras.Sequential([keras.Input((8, 8, 1)), kl.Conv2D(4, 3, activation="relu"), kl.BatchNormalization(),
                                kl.MaxPooling2D(2), kl.Flatten(), kl.Dropout(0.25), kl.Dense(3, activation="softmax")],
                               name="convnet")
    first, second = keras.Input((4,), name="first"), keras.Input((3,), name="second")
    merged = kl.Concatenate()([kl.Dense(5, activation="tanh")(first), second])
    two_inputs = keras.Model([first, second], kl.Dense(2)(merged), name="two_inputs")
    text = keras.Sequential([keras.Input((6,), dtype="int32"), kl.Embedding(20, 4), kl.LSTM(3), kl.Dense(1)],
                            name="text")
    transpose = keras.Sequential([keras.Input((4, 4, 2)), kl.Conv2DTranspose(3, 3, strides=2, padding="same"),
                                  kl.LayerNormalization(), kl.Flatten(), kl.Dense(2)], name="transpose")
    inputs = {
        "convnet": rng.random((5, 8, 8, 1), dtype=np.float32),
        "two_inputs": [rng.random((5, 4), dtype=np.float32), rng.random((5, 3), dtype=np.float32)],
        "text": rng.integers(0, 20, (5, 6)).astype("int32"),
        "transpose": rng.random((5, 4, 4, 2), dtype=np.float32),
    }
    convnet.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    convnet.fit(rng.random((16, 8, 8, 1), dtype=np.float32), rng.integers(0, 3, 16), epochs=1, batch_size=8,
                verbose=0)  # moves the BatchNormalization statistics and builds the optimizer state
    return {"convnet": convnet, "two_inputs": two_inputs, "text": text, "transpose": transpose}, inputs


@pytest.fixture(scope="module")
def keras_saved(tmp_path_factory):
    """Each Keras model saved as .keras, .weights.h5 and legacy .h5, with Keras's predictions."""
    keras = pytest.importorskip("keras")
    folder = tmp_path_factory.mktemp("keras_files")
    models, inputs = _keras_models(keras)
    saved = {}
    for name, model in models.items():
        model.save(folder / f"{name}.keras")
        model.save_weights(folder / f"{name}.weights.h5")
        model.save(folder / f"{name}.h5")  # Keras 3 writes the legacy Keras 2 layout for .h5
        saved[name] = {"folder": folder, "json": model.to_json(), "inputs": inputs[name],
                       "expected": np.asarray(model.predict(inputs[name], verbose=0))}
    return saved


MODELS = ("convnet", "two_inputs", "text", "transpose")


@pytest.mark.parametrize("name", MODELS)
@pytest.mark.parametrize("suffix", [".keras", ".h5"])
def test_a_keras_model_file_loads_and_predicts_what_keras_predicts(keras_saved, name, suffix):
    case = keras_saved[name]
    model = oi.load_model(case["folder"] / f"{name}{suffix}")
    np.testing.assert_allclose(model.predict(case["inputs"], verbose=0), case["expected"], atol=TOLERANCE)


@pytest.mark.parametrize("name", MODELS)
def test_keras_weights_files_load_into_the_model_keras_describes(keras_saved, name):
    case = keras_saved[name]
    model = oi.models.model_from_json(case["json"])  # Keras's own to_json() output
    model.load_weights(case["folder"] / f"{name}.weights.h5")
    np.testing.assert_allclose(model.predict(case["inputs"], verbose=0), case["expected"], atol=TOLERANCE)


def test_the_compile_config_is_restored(keras_saved):
    model = oi.load_model(keras_saved["convnet"]["folder"] / "convnet.keras")
    assert type(model.compiled.optimizer).__name__ == "Adam"
    assert model.compiled.optimizer.get_config()["learning_rate"] == pytest.approx(1e-3)
    assert model.compiled.loss_spec == "sparse_categorical_crossentropy"
    assert model.compiled.metric_spec == ["accuracy"]


OPTIMIZERS = {
    "adam": lambda keras: keras.optimizers.Adam(0.01),
    "sgd_momentum": lambda keras: keras.optimizers.SGD(0.05, momentum=0.9, nesterov=True),
    "rmsprop_centered": lambda keras: keras.optimizers.RMSprop(0.01, momentum=0.5, centered=True),
}


@pytest.mark.parametrize("optimizer", OPTIMIZERS)
def test_training_continues_from_the_optimizer_state_keras_saved(tmp_path, optimizer):
    keras = pytest.importorskip("keras")
    rng = np.random.default_rng(3)
    x, y = rng.random((32, 5), dtype=np.float32), rng.random((32, 2), dtype=np.float32)
    model = keras.Sequential([keras.Input((5,)), keras.layers.Dense(4, activation="tanh"), keras.layers.Dense(2)])
    model.compile(optimizer=OPTIMIZERS[optimizer](keras), loss="mse")
    for step in range(2):
        model.train_on_batch(x[8 * step:8 * step + 8], y[8 * step:8 * step + 8])
    model.save(tmp_path / "resume.keras")
    loaded = oi.load_model(tmp_path / "resume.keras")
    for step in range(2, 5):
        batch = slice(8 * (step % 4), 8 * (step % 4) + 8)
        model.train_on_batch(x[batch], y[batch])
        loaded.train_on_batch(x[batch], y[batch])
    for ours, theirs in zip(loaded.get_weights(), model.get_weights()):
        np.testing.assert_allclose(ours, np.asarray(theirs), atol=TOLERANCE)


def _keras_two_layer(keras):
    @keras.saving.register_keras_serializable(package="oneiros_tests_shared", name="TwoLayer")
    class TwoLayer(keras.Model):
        def __init__(self, units=4, **kwargs):
            super().__init__(**kwargs)
            self.units = units
            self.hidden = keras.layers.Dense(units, activation="relu")
            self.out = keras.layers.Dense(2)

        def call(self, inputs):
            return self.out(self.hidden(inputs))

        def get_config(self):
            return {**super().get_config(), "units": self.units}

    return TwoLayer


@oi.saving.register_keras_serializable(package="oneiros_tests_shared", name="TwoLayer")
class TwoLayer(oi.Model):
    """The same subclassed model as Keras's above, registered under the same name."""

    def __init__(self, units=4, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.hidden = layers.Dense(units, activation="relu")
        self.out = layers.Dense(2)

    def call(self, inputs):
        return self.out(self.hidden(inputs))

    def get_config(self):
        return {**super().get_config(), "units": self.units}


def test_a_subclassed_model_of_registered_classes_moves_both_ways(tmp_path):
    keras = pytest.importorskip("keras")
    x = np.random.default_rng(9).random((4, 3), dtype=np.float32)
    theirs = _keras_two_layer(keras)(units=5)
    theirs(x)
    theirs.save(tmp_path / "keras_made.keras")
    ours = oi.load_model(tmp_path / "keras_made.keras")
    assert isinstance(ours, TwoLayer) and ours.units == 5
    np.testing.assert_allclose(ours.predict(x, verbose=0), np.asarray(theirs.predict(x, verbose=0)), atol=TOLERANCE)
    ours.save(tmp_path / "oneiros_made.keras")
    again = keras.saving.load_model(tmp_path / "oneiros_made.keras")
    np.testing.assert_allclose(np.asarray(again.predict(x, verbose=0)), ours.predict(x, verbose=0), atol=TOLERANCE)


def _oneiros_models():
    rng = np.random.default_rng(11)
    convnet = oi.Sequential([layers.Input((8, 8, 1)), layers.Conv2D(4, 3, activation="relu"),
                             layers.BatchNormalization(), layers.MaxPooling2D(2), layers.Flatten(),
                             layers.Dropout(0.25), layers.Dense(3, activation="softmax")])
    convnet.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    convnet.fit(rng.random((16, 8, 8, 1), dtype=np.float32), rng.integers(0, 3, 16), epochs=1, batch_size=8,
                verbose=0)
    first, second = layers.Input((4,), name="first"), layers.Input((3,), name="second")
    merged = layers.Concatenate()([layers.Dense(5, activation="tanh")(first), second])
    two_inputs = oi.Model([first, second], layers.Dense(2)(merged))
    text = oi.Sequential([layers.Input((6,), dtype="int32"), layers.Embedding(20, 4), layers.LSTM(3),
                          layers.Dense(1)])
    transpose = oi.Sequential([layers.Input((4, 4, 2)), layers.Conv2DTranspose(3, 3, strides=2, padding="same"),
                               layers.LayerNormalization(), layers.Flatten(), layers.Dense(2)])
    inputs = {
        "convnet": [rng.random((5, 8, 8, 1), dtype=np.float32)],
        "two_inputs": [rng.random((5, 4), dtype=np.float32), rng.random((5, 3), dtype=np.float32)],
        "text": [rng.integers(0, 20, (5, 6)).astype("int32")],
        "transpose": [rng.random((5, 4, 4, 2), dtype=np.float32)],
    }
    return {"convnet": convnet, "two_inputs": two_inputs, "text": text, "transpose": transpose}, inputs


KERAS_CHECK = """
import os, sys
os.environ["KERAS_BACKEND"] = "jax"
import json, keras, numpy as np
folder = sys.argv[1]
report = {}
for name in json.load(open(os.path.join(folder, "names.json"))):
    data = np.load(os.path.join(folder, name + ".npz"))
    inputs = [data[key] for key in sorted(k for k in data.files if k.startswith("x"))]
    inputs = inputs if len(inputs) > 1 else inputs[0]
    model = keras.saving.load_model(os.path.join(folder, name + ".keras"))
    twin = keras.models.model_from_json(model.to_json())
    twin.load_weights(os.path.join(folder, name + ".weights.h5"))
    report[name] = {
        "model": float(np.abs(model.predict(inputs, verbose=0) - data["y"]).max()),
        "weights": float(np.abs(twin.predict(inputs, verbose=0) - data["y"]).max()),
        "optimizer": type(getattr(model, "optimizer", None)).__name__,
        "optimizer_variables": len(model.optimizer.variables) if getattr(model, "optimizer", None) else 0,
    }
print(json.dumps(report))
"""


def test_keras_loads_what_oneiros_saves_and_predicts_the_same(tmp_path):
    models, inputs = _oneiros_models()
    for name, model in models.items():
        model.save(tmp_path / f"{name}.keras")
        model.save_weights(tmp_path / f"{name}.weights.h5")
        expected = np.asarray(model.predict(inputs[name] if len(inputs[name]) > 1 else inputs[name][0], verbose=0))
        np.savez(tmp_path / f"{name}.npz", y=expected, **{f"x{i}": x for i, x in enumerate(inputs[name])})
    (tmp_path / "names.json").write_text(json.dumps(list(models)))
    environment = {**os.environ, "KERAS_BACKEND": "jax"}
    result = subprocess.run([sys.executable, "-c", KERAS_CHECK, str(tmp_path)], capture_output=True, text=True,
                            timeout=300, env=environment)
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    for name in models:
        assert report[name]["model"] < TOLERANCE, (name, report[name])
        assert report[name]["weights"] < TOLERANCE, (name, report[name])
    assert report["convnet"]["optimizer"] == "Adam"
    assert report["convnet"]["optimizer_variables"] == 2 + 2 * 6  # iterations, rate, m and v of 6 weights


def test_weights_h5_is_keras_layout_not_safetensors(tmp_path):
    h5py = pytest.importorskip("h5py")
    model = oi.Sequential([layers.Input((3,)), layers.Dense(2)])
    model.save_weights(tmp_path / "m.weights.h5")
    with h5py.File(tmp_path / "m.weights.h5", "r") as handle:
        assert sorted(handle["layers/dense/vars"]) == ["0", "1"]
        np.testing.assert_array_equal(handle["layers/dense/vars/0"][()], model.get_weights()[0])
    other = oi.Sequential([layers.Input((3,)), layers.Dense(2)])
    other.load_weights(tmp_path / "m.weights.h5")
    for ours, theirs in zip(other.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(ours, theirs)


def test_the_suffix_decides_the_saved_format(tmp_path):
    model = oi.Sequential([layers.Input((3,)), layers.Dense(2)])
    model.save(tmp_path / "m.keras")
    model.save(tmp_path / "m.oneiros")
    with zipfile.ZipFile(tmp_path / "m.keras") as archive:
        assert sorted(archive.namelist()) == ["config.json", "metadata.json", "model.weights.h5"]
        config = json.loads(archive.read("config.json"))
    assert (config["module"], config["class_name"]) == ("keras", "Sequential")
    assert config["config"]["layers"][1]["module"] == "keras.layers"
    with zipfile.ZipFile(tmp_path / "m.oneiros") as archive:
        assert "model.weights.safetensors" in archive.namelist()
    with pytest.raises(ValueError, match=r"\.h5.*read-only|read-only"):
        model.save(tmp_path / "m.h5")
    with pytest.raises(ValueError, match="weights.h5"):
        model.save_weights(tmp_path / "m.h5")
    with pytest.raises(FileExistsError):
        model.save(tmp_path / "m.keras", overwrite=False)


def test_load_model_tells_the_format_by_content_not_suffix(tmp_path, keras_saved):
    case = keras_saved["two_inputs"]
    for suffix, renamed in ((".keras", "a.oneiros"), (".h5", "b.keras"), (".keras", "c")):
        target = tmp_path / renamed
        target.write_bytes((case["folder"] / f"two_inputs{suffix}").read_bytes())
        np.testing.assert_allclose(oi.load_model(target).predict(case["inputs"], verbose=0), case["expected"],
                                   atol=TOLERANCE)
    native = oi.Sequential([layers.Input((3,)), layers.Dense(2)])
    native.save(tmp_path / "native.oneiros")
    (tmp_path / "native.keras").write_bytes((tmp_path / "native.oneiros").read_bytes())
    np.testing.assert_array_equal(oi.load_model(tmp_path / "native.keras").get_weights()[0], native.get_weights()[0])


def test_load_model_names_the_formats_it_reads(tmp_path):
    stray = tmp_path / "notes.keras"
    stray.write_text("not a model")
    with pytest.raises(oi.errors.CorruptFileError, match=r"\.oneiros.*\.keras.*\.h5"):
        oi.load_model(stray)


def test_an_oneiros_only_layer_is_written_under_its_registered_name(tmp_path):
    model = oi.Sequential([layers.Input((6,), dtype="int32"),
                           layers.PositionalEmbedding(sequence_length=6, input_dim=20, output_dim=4),
                           layers.Flatten(), layers.Dense(1)])
    with pytest.warns(UserWarning, match=r"Keras 3 has no layer class for .*text>PositionalEmbedding"):
        model.save(tmp_path / "only.keras")
    with zipfile.ZipFile(tmp_path / "only.keras") as archive:
        entry = json.loads(archive.read("config.json"))["config"]["layers"][1]
    assert (entry["class_name"], entry["registered_name"]) == ("PositionalEmbedding", "text>PositionalEmbedding")
    x = np.random.default_rng(0).integers(0, 20, (3, 6)).astype("int32")
    loaded = oi.load_model(tmp_path / "only.keras")
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), atol=1e-6)


def test_an_attention_block_with_a_keras_operator_moves_both_ways(tmp_path):
    keras = pytest.importorskip("keras")
    query = keras.Input((4, 6))
    attended = keras.layers.MultiHeadAttention(num_heads=2, key_dim=3)(query, query)
    model = keras.Model(query, keras.layers.LayerNormalization()(attended + query))  # `+` is keras.ops.add
    x = np.random.default_rng(5).random((3, 4, 6), dtype=np.float32)
    model.save(tmp_path / "attention.keras")
    ours = oi.load_model(tmp_path / "attention.keras")
    np.testing.assert_allclose(ours.predict(x, verbose=0), np.asarray(model.predict(x, verbose=0)), atol=TOLERANCE)
    ours.save(tmp_path / "attention_back.keras")
    theirs = keras.saving.load_model(tmp_path / "attention_back.keras")
    np.testing.assert_allclose(np.asarray(theirs.predict(x, verbose=0)), ours.predict(x, verbose=0), atol=TOLERANCE)


def test_load_weights_restores_the_optimizer_state_or_warns_when_it_does_not_fit(tmp_path):
    rng = np.random.default_rng(8)
    x, y = rng.random((8, 3), dtype=np.float32), rng.random((8, 2), dtype=np.float32)

    def trained(optimizer):
        model = oi.Sequential([layers.Input((3,)), layers.Dense(2)])
        model.compile(optimizer=optimizer, loss="mse")
        model.train_on_batch(x, y)
        return model

    source = trained("adam")
    source.save_weights(tmp_path / "adam.weights.h5")
    saved = [w.copy() for w in source.get_weights()]
    resumed = trained("adam")
    resumed.load_weights(tmp_path / "adam.weights.h5")
    source.train_on_batch(x, y)
    resumed.train_on_batch(x, y)
    for ours, theirs in zip(resumed.get_weights(), source.get_weights()):
        np.testing.assert_allclose(ours, theirs, atol=1e-6)
    other = trained(oi.optimizers.SGD(0.1, momentum=0.9))
    with pytest.warns(UserWarning, match="optimizer state in the file is not loaded"):
        other.load_weights(tmp_path / "adam.weights.h5")
    for ours, stored in zip(other.get_weights(), saved):  # the weights load; only the state is skipped
        np.testing.assert_array_equal(ours, stored)


def test_an_optimizer_state_in_another_layout_is_skipped_with_a_warning(tmp_path):
    keras = pytest.importorskip("keras")
    rng = np.random.default_rng(6)
    x, y = rng.random((8, 5), dtype=np.float32), rng.random((8, 2), dtype=np.float32)
    model = keras.Sequential([keras.Input((5,)), keras.layers.Dense(2)])
    model.compile(optimizer=keras.optimizers.Nadam(0.01), loss="mse")  # Keras keeps one u_product for all
    model.train_on_batch(x, y)
    model.save(tmp_path / "nadam.keras")
    with pytest.warns(UserWarning, match="optimizer state in the file is not loaded"):
        ours = oi.load_model(tmp_path / "nadam.keras")
    assert type(ours.compiled.optimizer).__name__ == "Nadam"
    np.testing.assert_allclose(ours.predict(x, verbose=0), np.asarray(model.predict(x, verbose=0)), atol=TOLERANCE)


def test_a_loss_scaled_optimizer_state_survives_a_keras_file(tmp_path):
    """The loss scale's int step counter is written as int64 like Keras's counters and read back."""
    rng = np.random.default_rng(4)
    x, y = rng.random((16, 3), dtype=np.float32), rng.random((16, 2), dtype=np.float32)
    model = oi.Sequential([layers.Input((3,)), layers.Dense(2)])
    model.compile(optimizer=oi.optimizers.LossScaleOptimizer(oi.optimizers.Adam(), dynamic_growth_steps=2), loss="mse")
    model.fit(x, y, batch_size=4, epochs=1, verbose=0)
    model.save(tmp_path / "scaled.keras")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loaded = oi.load_model(tmp_path / "scaled.keras")
    for model_ in (model, loaded):
        model_.fit(x, y, batch_size=4, epochs=1, verbose=0, shuffle=False)
    for got, want in zip(loaded.get_weights(), model.get_weights()):
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-7)
