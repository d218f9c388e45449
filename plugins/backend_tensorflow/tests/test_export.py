"""SavedModel and TFLite exports: loaded by tf.saved_model.load and run by tf.lite.Interpreter,
they predict what ``model.predict`` does (1e-5), for the MNIST convnet (trained on JAX) and the
Embedding + LSTM text model (trained on TensorFlow)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import oneiros as oi
from oneiros import layers

TOLERANCE = 1e-5


@pytest.fixture(scope="module")
def convnet():
    """The MNIST convnet after a few steps on JAX, with inputs and its predictions."""
    from oneiros_vision.models import mnist_convnet

    rng = np.random.default_rng(0)
    x = rng.random((24, 28, 28, 1)).astype(np.float32)
    with oi.backend_scope("jax"):
        oi.set_random_seed(0)
        model = mnist_convnet()
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
        model.fit(x, rng.integers(0, 10, 24), epochs=2, batch_size=8, verbose=0)
        return model, x, model.predict(x, verbose=0)


@pytest.fixture(scope="module")
def lstm(tensorflow_backend):
    """An Embedding (masked) + LSTM + Dense model after a few steps on TensorFlow."""
    rng = np.random.default_rng(1)
    x = rng.integers(1, 50, (16, 12)).astype(np.int32)
    x[:, 9:] = 0
    with oi.backend_scope(tensorflow_backend):
        oi.set_random_seed(1)
        model = oi.Sequential([layers.Input((12,), dtype="int32"), layers.Embedding(50, 8, mask_zero=True),
                               layers.LSTM(6), layers.Dense(1, activation="sigmoid")])
        model.compile(optimizer="adam", loss="binary_crossentropy")
        model.fit(x, rng.integers(0, 2, 16).astype(np.float32), epochs=2, batch_size=8, verbose=0)
        return model, x, model.predict(x, verbose=0)


def _serve(tf, directory, x):
    loaded = tf.saved_model.load(str(directory))
    serving = loaded.signatures["serving_default"]
    (name,) = serving.structured_input_signature[1]
    (output,) = serving(**{name: tf.constant(x)}).values()
    return output.numpy()


def _interpret(tf, path, x):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # tf.lite.Interpreter points to ai_edge_litert
        interpreter = tf.lite.Interpreter(model_path=str(path))
    (given,) = interpreter.get_input_details()
    interpreter.resize_tensor_input(given["index"], x.shape)
    interpreter.allocate_tensors()
    interpreter.set_tensor(given["index"], x)
    interpreter.invoke()
    return interpreter.get_tensor(interpreter.get_output_details()[0]["index"])


@pytest.mark.parametrize("trained", ["convnet", "lstm"])
def test_saved_model_serves_what_predict_gives(tf, tmp_path, trained, request):
    model, x, expected = request.getfixturevalue(trained)
    written = model.export(tmp_path / "saved", format="tf_saved_model")
    assert (written / "saved_model.pb").is_file()
    np.testing.assert_allclose(_serve(tf, written, x), expected, rtol=TOLERANCE, atol=TOLERANCE)


@pytest.mark.parametrize("trained", ["convnet", "lstm"])
def test_tflite_interpreter_runs_what_predict_gives(tf, tmp_path, trained, request):
    model, x, expected = request.getfixturevalue(trained)
    model.export(tmp_path / "model.tflite")
    np.testing.assert_allclose(_interpret(tf, tmp_path / "model.tflite", x), expected, rtol=TOLERANCE, atol=TOLERANCE)


def test_float16_tflite_is_smaller_and_close(tf, tmp_path, convnet):
    model, x, expected = convnet
    model.export(tmp_path / "full.tflite")
    model.export(tmp_path / "half.tflite", quantize="float16")
    assert (tmp_path / "half.tflite").stat().st_size < 0.6 * (tmp_path / "full.tflite").stat().st_size
    np.testing.assert_allclose(_interpret(tf, tmp_path / "half.tflite", x), expected, atol=1e-2)


def test_bad_export_arguments_are_refused_before_anything_is_written(tmp_path, convnet):
    from oneiros_tensorflow.export import TensorflowExportError

    model, _, _ = convnet
    with pytest.raises(TensorflowExportError, match="quantize='int8'"):
        model.export(tmp_path / "saved", format="tf_saved_model", quantize="int8")
    with pytest.raises(TensorflowExportError, match="quantize must be one of"):
        model.export(tmp_path / "m.tflite", quantize="int4")
    with pytest.raises(TensorflowExportError, match="only the batch axis may be dynamic"):
        model.export(tmp_path / "m.tflite", input_signature=[((None, 28, 1), "float32")])
    assert list(tmp_path.iterdir()) == []
