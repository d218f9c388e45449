"""Models move between backends through .oneiros files: trained on JAX, they load and train on
TensorFlow, then load on the ONNX backend; trained on TensorFlow, they load on JAX. Predictions
agree within 1e-5 at every hop."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

import oneiros as oi

PORTABILITY_TESTS = Path(__file__).resolve().parents[3] / "tests" / "portability"
RTOL = 1e-5


@pytest.fixture(scope="module")
def build_model():
    """The model the cross-environment portability tests use (convolution, pooling, batch
    normalization, dropout, dense; linear outputs)."""
    sys.path.insert(0, str(PORTABILITY_TESTS))
    try:
        from _models import build_model
    finally:
        sys.path.remove(str(PORTABILITY_TESTS))
    return build_model


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(3)
    return rng.normal(size=(48, 10, 10, 3)).astype(np.float32), rng.normal(size=(48, 5)).astype(np.float32)


def _assert_close(actual: np.ndarray, expected: np.ndarray, what: str) -> None:
    assert actual.shape == expected.shape and actual.dtype == expected.dtype == np.float32
    assert np.abs(expected).max() > 0.1, f"{what}: the predictions are too small to judge"
    np.testing.assert_allclose(actual, expected, rtol=RTOL, atol=RTOL * np.abs(expected).max(), err_msg=what)


def _trained(backend: str, build_model, data, path: Path) -> np.ndarray:
    x, y = data
    with oi.backend_scope(backend):
        oi.set_random_seed(2)
        model = build_model()
        model.compile(optimizer="adam", loss="mse")
        model.fit(x, y, epochs=3, batch_size=16, verbose=0)
        model.save(path)
        return model.predict(x, verbose=0)


def test_jax_to_tensorflow_to_onnx(tmp_path, build_model, data, tensorflow_backend):
    x, y = data
    on_jax = _trained("jax", build_model, data, tmp_path / "jax.oneiros")
    on_tensorflow = oi.load_model(tmp_path / "jax.oneiros", backend="tensorflow")
    _assert_close(on_tensorflow.predict(x, verbose=0), on_jax, "jax-trained model on tensorflow")

    with oi.backend_scope("tensorflow"):
        on_tensorflow.compile(optimizer="adam", loss="mse")
        on_tensorflow.fit(x, y, epochs=1, batch_size=16, verbose=0)
        retrained = on_tensorflow.predict(x, verbose=0)
        on_tensorflow.save(tmp_path / "tensorflow.oneiros")
    assert not np.allclose(retrained, on_jax), "training on tensorflow changed nothing"
    on_onnx = oi.load_model(tmp_path / "tensorflow.oneiros", backend="onnx")
    _assert_close(on_onnx.predict(x, verbose=0), retrained, "tensorflow-retrained model on onnx")


def test_onnx_export_of_a_tensorflow_trained_model(tmp_path, build_model, data, tensorflow_backend):
    import onnxruntime

    x, _ = data
    on_tensorflow = _trained("tensorflow", build_model, data, tmp_path / "tensorflow.oneiros")
    model = oi.load_model(tmp_path / "tensorflow.oneiros", backend="tensorflow")
    model.export(tmp_path / "tensorflow.onnx")
    session = onnxruntime.InferenceSession(str(tmp_path / "tensorflow.onnx"), providers=["CPUExecutionProvider"])
    exported = session.run(None, {session.get_inputs()[0].name: x})[0]
    _assert_close(exported, on_tensorflow, "ONNX export of the tensorflow-trained model in onnxruntime")


def test_tensorflow_to_jax(tmp_path, build_model, data, tensorflow_backend):
    x, _ = data
    on_tensorflow = _trained("tensorflow", build_model, data, tmp_path / "tensorflow.oneiros")
    on_jax = oi.load_model(tmp_path / "tensorflow.oneiros", backend="jax")
    _assert_close(on_jax.predict(x, verbose=0), on_tensorflow, "tensorflow-trained model on jax")
