"""Round trips: a model saved on jax predicts the same on the numpy backend; saving, loading and
training on equals training without the break; a plugin's layers load in a fresh process.

Oracles: predictions computed by the other backend (a separate implementation of every op), and
the uninterrupted training run.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

import oneiros as oi
from oneiros import layers

TEMPLATE = Path(__file__).resolve().parents[2] / "examples" / "plugin_template"
X = np.random.default_rng(7).normal(size=(64, 6)).astype("float32")
Y = (X[:, :3] * X[:, 3:]).astype("float32")


def functional_with_state():
    """Several layer kinds, every weight (BatchNormalization's moving statistics included) set to
    distinct values, so that predictions depend on all of them."""
    inputs = layers.Input((6,))
    hidden = layers.Dense(12, activation="gelu", name="hidden")(inputs)
    hidden = layers.BatchNormalization(name="norm")(hidden)
    hidden = layers.Dropout(0.2, name="drop")(hidden)
    skip = layers.Dense(12, activation="tanh", name="skip")(inputs)
    merged = layers.Concatenate(name="merge")([hidden, skip])
    outputs = layers.Dense(3, name="out")(layers.LayerNormalization(name="ln")(merged))
    model = oi.Model(inputs, outputs, name="round_trip")
    rng = np.random.default_rng(5)
    model.set_weights([rng.uniform(0.5, 1.5, w.shape).astype(w.dtype) if w.dtype.kind == "f" else w
                       for w in model.get_weights()])
    return model


def test_a_model_saved_on_jax_predicts_the_same_on_numpy(tmp_path):
    assert oi.get_backend().name == "jax"
    model = functional_with_state()
    expected = model.predict(X, verbose=0)
    path = model.save(tmp_path / "model.oneiros")
    on_numpy = oi.load_model(path, backend="numpy")
    assert on_numpy.backend == "numpy"
    predicted = on_numpy.predict(X, verbose=0)
    assert type(predicted) is np.ndarray
    np.testing.assert_allclose(predicted, expected, rtol=1e-5, atol=1e-6)


def seeded_model():
    oi.set_random_seed(99)
    model = oi.Sequential([layers.Input((6,)), layers.Dense(8, activation="relu"), layers.Dropout(0.25),
                           layers.Dense(3)])
    model.compile(optimizer=oi.optimizers.Adam(learning_rate=0.01), loss="mse", metrics=["mae"])
    return model


def train(model, epochs, initial_epoch=0):
    model.fit(X, Y, epochs=epochs, initial_epoch=initial_epoch, batch_size=16, shuffle=True, verbose=0)


@pytest.fixture(scope="module")
def trained_two_epochs(tmp_path_factory):
    model = seeded_model()
    train(model, 2)
    return model, model.save(tmp_path_factory.mktemp("round_trip") / "model.oneiros")


def test_save_load_and_train_on_equals_training_without_the_break(trained_two_epochs):
    _, path = trained_two_epochs
    resumed = oi.load_model(path)
    train(resumed, 4, initial_epoch=2)
    uninterrupted = seeded_model()
    train(uninterrupted, 4)
    for expected, actual in zip(uninterrupted.get_weights(), resumed.get_weights()):
        np.testing.assert_allclose(actual, expected, rtol=1e-6, atol=1e-7)


def test_without_the_optimizer_state_training_on_differs(trained_two_epochs):
    """The oracle above can fail: fresh Adam moments after loading change the trajectory."""
    _, path = trained_two_epochs
    reloaded = oi.load_model(path, compile=False)
    reloaded.compile(optimizer=oi.optimizers.Adam(learning_rate=0.01), loss="mse", metrics=["mae"])
    train(reloaded, 4, initial_epoch=2)
    continued = oi.load_model(path)
    train(continued, 4, initial_epoch=2)
    differences = [np.abs(a - b).max() for a, b in zip(reloaded.get_weights(), continued.get_weights())
                   if a.dtype.kind == "f"]
    assert max(differences) > 1e-4


def test_the_compile_config_is_restored(trained_two_epochs):
    model, path = trained_two_epochs
    loaded = oi.load_model(path)
    assert type(loaded.optimizer).__name__ == "Adam"
    assert loaded.optimizer.get_config() == model.optimizer.get_config()
    assert (loaded.compiled.loss_spec, loaded.compiled.metric_spec) == ("mse", ["mae"])
    assert oi.load_model(path, compile=False).compiled is None


def test_json_round_trip_rebuilds_the_architecture(trained_two_epochs):
    model, _ = trained_two_epochs
    rebuilt = oi.models.model_from_json(model.to_json())
    assert [layer.name for layer in rebuilt.layers] == [layer.name for layer in model.layers]
    assert [w.shape for w in rebuilt.get_weights()] == [w.shape for w in model.get_weights()]


SAVE = """
import sys
import numpy as np
import oneiros as oi

model = oi.Sequential([oi.layers.Input((3,)), oi.layers.GatedDense(4, name="gate"), oi.layers.Dense(2)])
x = np.linspace(-1, 1, 12, dtype="float32").reshape(4, 3)
np.save(sys.argv[2], model.predict(x, verbose=0))
model.save(sys.argv[1])
print(type(model.get_layer("gate")).__module__)
"""

LOAD = """
import sys
import numpy as np
import oneiros as oi

assert "oneiros_gated" not in sys.modules
model = oi.load_model(sys.argv[1])
x = np.linspace(-1, 1, 12, dtype="float32").reshape(4, 3)
np.testing.assert_allclose(model.predict(x, verbose=0), np.load(sys.argv[2]), rtol=1e-6)
print(type(model.get_layer("gate")).__module__)
"""


@pytest.mark.slow
def test_a_plugin_layer_round_trips_in_fresh_processes(tmp_path):
    """Two processes, neither importing the plugin by hand: resolution goes through the registry."""
    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
                    "--no-index", "--target", str(site), str(TEMPLATE)], check=True, capture_output=True)
    environment = {k: v for k, v in os.environ.items() if not k.startswith("ONEIROS_")}
    environment.update(PYTHONPATH=str(site), ONEIROS_BACKEND="numpy")
    model_file, expected = tmp_path / "gated.oneiros", tmp_path / "expected.npy"
    for script in (SAVE, LOAD):
        result = subprocess.run([sys.executable, "-c", textwrap.dedent(script), str(model_file), str(expected)],
                                capture_output=True, text=True, env=environment, cwd=tmp_path)
        assert result.returncode == 0, result.stdout + result.stderr
        assert result.stdout.split()[-1] == "oneiros_gated.gated_dense"
    assert "gated>GatedDense" in subprocess.run(
        [sys.executable, "-c", "import zipfile, sys; print(zipfile.ZipFile(sys.argv[1]).read('config.json'))",
         str(model_file)], capture_output=True, text=True, check=True).stdout
