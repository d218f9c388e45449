"""Acceptance: the classic Keras convnet learns real MNIST digits on PyTensor to >= 98% test
accuracy, the text plugin's SMS spam LSTM trains exactly as on JAX and meets its bars, and
models move between PyTensor, JAX and ONNX Runtime with the same predictions.

Data: the MNIST t10k files in ../shared/data; the first 8,000 images train, the last 2,000 (never
seen in training) test, as in the vision plugin's JAX acceptance test, with 8 epochs of batch 128
instead of its 15 (as the MXNet backend's test: ~98.5% after 8 on this split). The SMS Spam
Collection with the text plugin's protocol (test_sms_spam.py).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import numpy as np
import pytest

import oneiros as oi
from oneiros.backend import available_backends

REPOSITORY = Path(__file__).resolve().parents[3]
SHARED_DATA = (REPOSITORY / "../shared/data").resolve()
sys.path.insert(0, str(REPOSITORY / "tests" / "portability"))
sys.path.insert(0, str(REPOSITORY / "plugins" / "layers_text" / "tests"))
from _models import build_model  # noqa: E402
from test_sms_spam import LENGTH, VOCABULARY, sms, train_and_score  # noqa: E402,F401 (sms: the text plugin's fixture)

RTOL = 1e-5


@pytest.fixture(autouse=True)
def _perform_unless_asked(monkeypatch):
    """The suite starts from an empty ``$ONEIROS_HOME``, where compiling the convnet's step with
    the C linker (90-140 s on the shared 2-core machine) costs more than training on perform;
    ``ONEIROS_PYTENSOR_LINKER=c`` runs these on C (test_jit checks C against numpy)."""
    if "ONEIROS_PYTENSOR_LINKER" not in os.environ:
        monkeypatch.setenv("ONEIROS_PYTENSOR_LINKER", "perform")


@pytest.mark.slow
def test_classic_convnet_reaches_98_percent_on_held_out_mnist(pytensor_backend):
    from oneiros_vision.acceptance import train_mnist_convnet

    result = train_mnist_convnet(SHARED_DATA, epochs=8)
    assert result.last_epoch_accuracy > result.first_epoch_accuracy
    assert result.test_accuracy >= 0.98, f"after 8 epochs: {result}"


@pytest.mark.slow
def test_the_sms_lstm_trains_as_on_jax_and_meets_the_text_plugins_bars(sms, pytensor_backend):
    """The text plugin's LSTM from the initial weights its JAX test draws (seed 1): each backend's
    random streams differ by design, and on JAX 2 of seeds 2-9 fall under the 0.98 bar too, so
    the weights come from JAX and the test checks that PyTensor trains the same model the same way:
    every epoch's loss as JAX's, then the bars."""
    from oneiros import layers

    def lstm():
        return oi.Sequential([layers.Input((LENGTH,), dtype="int32"),
                              layers.Embedding(VOCABULARY, 32, mask_zero=True), layers.LSTM(32),
                              layers.Dense(1, activation="sigmoid")])

    with oi.backend_scope("jax"):
        oi.set_random_seed(1)
        on_jax = lstm()
        initial_weights = on_jax.get_weights()
        jax_scores = train_and_score(on_jax, sms, epochs=4)
        jax_losses = on_jax.history.history["loss"]
    model = lstm()
    model.set_weights(initial_weights)
    accuracy, f1 = train_and_score(model, sms, epochs=4)
    np.testing.assert_allclose(model.history.history["loss"], jax_losses, rtol=1e-4)
    np.testing.assert_allclose((accuracy, f1), jax_scores, atol=1e-3)
    assert accuracy >= 0.98 and f1 >= 0.90, (accuracy, f1)


def _data() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(3)
    return (rng.normal(size=(48, 10, 10, 3)).astype(np.float32), rng.normal(size=(48, 5)).astype(np.float32))


def _assert_close(actual: np.ndarray, expected: np.ndarray, what: str) -> None:
    assert actual.shape == expected.shape and actual.dtype == expected.dtype == np.float32
    assert np.abs(expected).max() > 0.1, f"{what}: the predictions are too small to judge"
    np.testing.assert_allclose(actual, expected, rtol=RTOL, atol=RTOL * np.abs(expected).max(), err_msg=what)


def _trained(backend: str, path: Path) -> np.ndarray:
    x, y = _data()
    with oi.backend_scope(backend):
        oi.set_random_seed(2)
        model = build_model()
        model.compile(optimizer="adam", loss="mse")
        model.fit(x, y, epochs=3, batch_size=16, verbose=0)
        model.save(path)
        return model.predict(x, verbose=0)


@pytest.mark.parametrize("trained_on,loaded_on", [("pytensor", "jax"), ("pytensor", "onnx"), ("jax", "pytensor")])
def test_models_predict_the_same_across_backends(tmp_path, trained_on, loaded_on):
    missing = {trained_on, loaded_on} - set(available_backends())
    if missing:
        pytest.fail(f"backends {sorted(missing)} are not installed in this environment")
    expected = _trained(trained_on, tmp_path / "model.oneiros")
    loaded = oi.load_model(tmp_path / "model.oneiros", backend=loaded_on)
    with oi.backend_scope(loaded_on):
        actual = loaded.predict(_data()[0], verbose=0)
    _assert_close(np.asarray(actual), expected, f"{trained_on}-trained model on {loaded_on}")


def test_a_model_trained_on_pytensor_exports_to_onnx(tmp_path):
    import onnxruntime

    expected = _trained("pytensor", tmp_path / "model.oneiros")
    model = oi.load_model(tmp_path / "model.oneiros", backend="pytensor")
    model.export(tmp_path / "model.onnx")
    session = onnxruntime.InferenceSession(str(tmp_path / "model.onnx"), providers=["CPUExecutionProvider"])
    (actual,) = session.run(None, {session.get_inputs()[0].name: _data()[0]})
    _assert_close(actual, expected, "pytensor-trained model exported to ONNX")
