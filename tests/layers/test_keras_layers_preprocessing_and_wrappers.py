"""Normalization, Discretization, STFTSpectrogram, MelSpectrogram, SpectralNormalization, Wrapper
and Pipeline agree with Keras 3 itself (KERAS_BACKEND=jax) given the same data and weights, on
the numpy reference and on JAX; their configs round-trip; they train inside a compiled ``fit``."""

from __future__ import annotations

import json
import os

import numpy as np
import pytest

os.environ.setdefault("KERAS_BACKEND", "jax")
import keras  # noqa: E402

import oneiros as oi  # noqa: E402
from oneiros import layers, ops  # noqa: E402

RNG = np.random.default_rng(21)
FEATURES = (RNG.normal(size=(40, 3)) * [1.0, 2.0, 3.0] + [0.0, 1.0, 2.0]).astype("float32")
SIGNALS = RNG.normal(size=(2, 300, 2)).astype("float32")
AUDIO = RNG.normal(size=(2, 2000)).astype("float32")


def numpy_of(value):
    return np.asarray(ops.to_numpy(value))


def round_trip(layer):
    """A layer rebuilt from its JSON-encoded config, which must equal the original's."""
    config = json.loads(json.dumps(layer.get_config()))
    rebuilt = type(layer).from_config(config)
    assert rebuilt.get_config() == layer.get_config()
    return rebuilt


@pytest.mark.parametrize("arguments,batches", [({}, 1), ({"axis": None, "invert": True}, 3)])
def test_normalization_adapt_matches_keras(backend, arguments, batches):
    """Adapting on batches merges their statistics exactly: Keras adapting on the whole array agrees."""
    expected_layer = keras.layers.Normalization(**arguments)
    expected_layer.adapt(FEATURES)
    layer = layers.Normalization(**arguments)
    layer.adapt(np.array_split(FEATURES, batches) if batches > 1 else FEATURES)
    np.testing.assert_allclose(numpy_of(layer(FEATURES[:5])), np.asarray(expected_layer(FEATURES[:5])), atol=1e-5)
    keras_mean, keras_variance, _ = expected_layer.get_weights()
    mean, variance, count = layer.get_weights()
    np.testing.assert_allclose(mean, keras_mean, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(variance, keras_variance, rtol=1e-5)
    assert count == FEATURES.size // mean.size
    rebuilt = round_trip(layer)
    rebuilt.build(FEATURES.shape)
    rebuilt.set_weights(layer.get_weights())
    np.testing.assert_allclose(numpy_of(rebuilt(FEATURES[:5])), numpy_of(layer(FEATURES[:5])))


def test_normalization_with_given_statistics_matches_keras(backend):
    arguments = {"mean": [1.0, 2.0, 3.0], "variance": [1.0, 4.0, 9.0]}
    expected = keras.layers.Normalization(**arguments)(FEATURES)
    layer = layers.Normalization(**arguments)
    np.testing.assert_allclose(numpy_of(layer(FEATURES)), np.asarray(expected), atol=1e-6)
    assert layer.weights == []
    np.testing.assert_allclose(numpy_of(round_trip(layer)(FEATURES)), np.asarray(expected), atol=1e-6)


def test_normalization_refuses_bad_arguments_and_data():
    with pytest.raises(ValueError, match="given together; received mean=1.0 and variance=None"):
        layers.Normalization(mean=1.0)
    with pytest.raises(ValueError, match=r"the same shape; received shapes \(2,\) and \(3,\)"):
        layers.Normalization(mean=[0.0, 1.0], variance=[1.0, 1.0, 1.0])
    layer = layers.Normalization()
    layer.adapt(FEATURES)
    with pytest.raises(ValueError, match=r"built for inputs of shape \(40, 3\).*received a batch of shape \(4, 5\)"):
        layer.adapt(np.ones((4, 5), "float32"))
    with pytest.raises(TypeError, match="received 'text'"):
        layers.Normalization().adapt("text")


@pytest.mark.parametrize("output_mode", ["int", "one_hot", "multi_hot", "count"])
def test_discretization_adapt_matches_keras(backend, output_mode):
    data = RNG.normal(size=(60, 4)).astype("float32")
    expected_layer = keras.layers.Discretization(num_bins=5, epsilon=0.01, output_mode=output_mode)
    expected_layer.adapt([data[:25], data[25:50], data[50:]])
    layer = layers.Discretization(num_bins=5, epsilon=0.01, output_mode=output_mode)
    layer.adapt(oi.data.ArrayDataset(data, batch_size=25))
    np.testing.assert_allclose(layer.bin_boundaries, expected_layer.bin_boundaries, rtol=1e-6)
    expected = np.asarray(expected_layer(data[:6]))
    got = numpy_of(layer(data[:6]))
    assert got.dtype == expected.dtype and got.shape == expected.shape
    np.testing.assert_array_equal(got, expected)
    np.testing.assert_array_equal(numpy_of(round_trip(layer)(data[:6])), expected)


def test_discretization_with_boundaries_counts_like_numpy_digitize(backend):
    values = np.array([[-1.5, 1.0, 3.4, 0.5], [0.0, 3.0, 1.3, 2.0]], "float32")
    layer = layers.Discretization(bin_boundaries=[0.0, 1.0, 2.0])
    np.testing.assert_array_equal(numpy_of(layer(values)), np.digitize(values, [0.0, 1.0, 2.0]))
    with pytest.raises(ValueError, match="exactly one of `num_bins` and `bin_boundaries`"):
        layers.Discretization()
    with pytest.raises(ValueError, match=r"non-decreasing.*received bin_boundaries=\[2.0, 1.0\]"):
        layers.Discretization(bin_boundaries=[2.0, 1.0])
    with pytest.raises(ValueError, match="adapt\\(\\) learns them only when num_bins is set"):
        layer.adapt(values)


@pytest.mark.parametrize("arguments", [
    {"mode": "magnitude", "frame_length": 32, "frame_step": 8},
    {"mode": "log", "frame_length": 30, "fft_length": 64, "padding": "same", "window": "hamming"},
    {"mode": "psd", "frame_length": 16, "scaling": "spectrum"},
    {"mode": "stft", "frame_length": 16, "expand_dims": True},
    {"mode": "real", "frame_length": 16, "data_format": "channels_first", "periodic": True},
    {"mode": "angle", "frame_length": 16},
])
def test_stft_spectrogram_matches_keras(backend, arguments):
    signals = SIGNALS.transpose(0, 2, 1) if arguments.get("data_format") == "channels_first" else SIGNALS
    expected = np.asarray(keras.layers.STFTSpectrogram(**arguments)(signals))
    layer = layers.STFTSpectrogram(**arguments)
    got = numpy_of(layer(signals))
    assert got.shape == expected.shape == layer.compute_output_shape(signals.shape)
    if arguments["mode"] == "angle":  # the same angle may come out as +pi or -pi
        got, expected = np.exp(1j * got), np.exp(1j * expected)
    tolerance = 1e-4 if arguments["mode"] in ("log", "angle") else 1e-5
    np.testing.assert_allclose(got, expected, rtol=tolerance, atol=tolerance * np.abs(expected).max())
    assert [w.shape for w in layer.weights] == [(arguments["frame_length"], 1, w.shape[-1]) for w in layer.weights]
    round_trip(layer)


@pytest.mark.parametrize("arguments", [
    {"power_to_db": True}, {"power_to_db": False, "mag_exp": 1.0, "window": "hamming"},
])
def test_mel_spectrogram_matches_keras(backend, arguments):
    arguments = {"fft_length": 256, "sequence_stride": 64, "sequence_length": 200, "num_mel_bins": 20,
                 "sampling_rate": 8000, **arguments}
    expected = np.asarray(keras.layers.MelSpectrogram(**arguments)(AUDIO))
    layer = layers.MelSpectrogram(**arguments)
    got = numpy_of(layer(AUDIO))
    assert got.shape == expected.shape == layer.compute_output_shape(AUDIO.shape)
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-5 * np.abs(expected).max())
    round_trip(layer)


def test_spectrogram_arguments_are_checked():
    with pytest.raises(ValueError, match="received mode='power'"):
        layers.STFTSpectrogram(mode="power")
    with pytest.raises(ValueError, match=r"frame_step.*received frame_step=300"):
        layers.STFTSpectrogram(frame_length=256, frame_step=300)
    with pytest.raises(ValueError, match="fft_length=100 and sequence_length=200"):
        layers.MelSpectrogram(fft_length=100, sequence_length=200)
    with pytest.raises(TypeError, match="received int32"):
        layers.STFTSpectrogram(frame_length=8)(np.ones((1, 32, 1), "int32"))


def test_spectral_normalization_matches_keras_in_training_and_inference(backend):
    inputs = RNG.normal(size=(4, 5)).astype("float32")
    expected_layer = keras.layers.SpectralNormalization(keras.layers.Dense(3), power_iterations=2)
    expected_layer(inputs)
    layer = layers.SpectralNormalization(layers.Dense(3), power_iterations=2)
    layer(inputs)
    assert [w.shape for w in layer.weights] == [tuple(w.shape) for w in expected_layer.weights]
    layer.set_weights([np.asarray(w) for w in expected_layer.get_weights()])
    np.testing.assert_allclose(numpy_of(layer(inputs)), np.asarray(expected_layer(inputs)), atol=1e-6)
    for _ in range(2):
        expected = np.asarray(expected_layer(inputs, training=True))
        np.testing.assert_allclose(numpy_of(layer(inputs, training=True)), expected, atol=1e-5)
    for got, want in zip(layer.get_weights(), expected_layer.get_weights()):
        np.testing.assert_allclose(got, np.asarray(want), atol=1e-5)
    rebuilt = round_trip(layer)
    assert type(rebuilt.layer).__name__ == "Dense" and rebuilt.power_iterations == 2
    with pytest.raises(ValueError, match="power_iterations=0"):
        layers.SpectralNormalization(layers.Dense(3), power_iterations=0)
    with pytest.raises(ValueError, match="neither a `kernel` nor an `embeddings`"):
        layers.SpectralNormalization(layers.Flatten())(inputs)


def test_wrapper_applies_and_serializes_the_wrapped_layer(backend):
    class Doubled(layers.Wrapper):
        def call(self, inputs):
            return ops.multiply(self.layer(inputs), 2.0)

    dense = layers.Dense(2, kernel_initializer="ones")
    np.testing.assert_allclose(numpy_of(Doubled(dense)(np.ones((1, 3), "float32"))), [[6.0, 6.0]])
    wrapper = layers.Wrapper(layers.Dense(2))
    assert wrapper(np.ones((1, 3), "float32")).shape == (1, 2) and len(wrapper.weights) == 2
    assert round_trip(wrapper).layer.get_config()["units"] == 2
    with pytest.raises(ValueError, match="must be a Layer; received 3"):
        layers.Wrapper(3)


def test_pipeline_matches_keras_and_passes_masks():
    """On JAX, whose arrays carry masks in eager calls as Keras's do."""
    values = np.array([[1.0, 0.0, 2.0], [0.0, 0.0, 3.0]], "float32")
    expected = keras.layers.Pipeline([keras.layers.Rescaling(2.0), keras.layers.Masking(0.0)])(values[..., None])
    with oi.backend_scope("jax"):
        pipeline = layers.Pipeline([layers.get("Rescaling")(2.0), layers.Masking(0.0)])
        got = pipeline(values[..., None])
        np.testing.assert_allclose(numpy_of(got), np.asarray(expected))
        np.testing.assert_array_equal(numpy_of(got._keras_mask), np.asarray(expected._keras_mask))
    rebuilt = round_trip(pipeline)
    assert [type(layer).__name__ for layer in rebuilt.layers] == ["Rescaling", "Masking"]
    with pytest.raises(ValueError, match="must be a list of Layers"):
        layers.Pipeline(layers.Masking())


def test_new_layers_train_inside_a_compiled_fit():
    x = RNG.normal(size=(32, 64, 1)).astype("float32")
    y = (x[:, :32, 0].mean(axis=1, keepdims=True) > 0).astype("float32")
    with oi.backend_scope("jax"):
        normalization = layers.Normalization(axis=None)
        normalization.adapt(x)
        dense = layers.Dense(1)  # linear: the bucket counts would saturate a sigmoid (zero gradients)
        model = oi.Sequential([
            layers.Input((64, 1)), normalization,
            layers.STFTSpectrogram(mode="log", frame_length=16, frame_step=8),
            layers.Pipeline([layers.Flatten(), layers.Discretization(bin_boundaries=[-1.0, 0.0, 1.0], output_mode="count")]),
            layers.SpectralNormalization(dense),
        ])
        model.compile(optimizer="adam", loss="mse")
        kernel_before = dense.kernel.numpy()
        history = model.fit(x, y, epochs=2, batch_size=16, verbose=0)
        assert np.all(np.isfinite(history.history["loss"]))
        assert not np.allclose(dense.kernel.numpy(), kernel_before)
        predictions = model.predict(x, verbose=0)
    with oi.backend_scope("numpy"):
        restored = oi.Sequential.from_config(model.get_config())
        restored.build((None, 64, 1))
        restored.set_weights(model.get_weights())
        np.testing.assert_allclose(numpy_of(restored(x)), predictions, atol=1e-5)


def test_keras_files_load_both_ways(tmp_path):
    """Keras 3's .keras files of these layers load into Oneiros with the same outputs, and the
    files Oneiros writes load into Keras."""
    cases = {
        "spectrogram": (keras.Sequential([keras.Input((64, 1)), keras.layers.STFTSpectrogram(frame_length=16),
                                          keras.layers.Normalization(axis=None, mean=0.5, variance=2.0)]),
                        SIGNALS[:, :64, :1]),
        "mel": (keras.Sequential([keras.Input((512,)), keras.layers.MelSpectrogram(fft_length=128, sequence_stride=64,
                                                                                   num_mel_bins=8)]),
                AUDIO[:, :512]),
        "spectral": (keras.Sequential([keras.Input((3,)), keras.layers.SpectralNormalization(keras.layers.Dense(2)),
                                       keras.layers.Discretization(bin_boundaries=[0.0, 1.0])]), FEATURES[:4]),
    }
    with oi.backend_scope("jax"):
        for name, (keras_model, inputs) in cases.items():
            expected = np.asarray(keras_model(inputs))
            keras_model.save(tmp_path / f"{name}.keras")
            model = oi.load_model(tmp_path / f"{name}.keras")
            np.testing.assert_allclose(numpy_of(model(inputs)), expected, rtol=1e-5, atol=1e-5 * np.abs(expected).max())
            model.save(tmp_path / f"{name}_oneiros.keras")
            reloaded = keras.saving.load_model(tmp_path / f"{name}_oneiros.keras")
            np.testing.assert_allclose(np.asarray(reloaded(inputs)), expected, rtol=1e-5,
                                       atol=1e-5 * np.abs(expected).max())
