"""``model.quantize("int8")`` and ``oi.quantizers`` against Keras 3's own (on JAX) given the same
weights: the int8 values, the scales and the outputs."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import oneiros as oi
from oneiros import layers, quantizers

os.environ["KERAS_BACKEND"] = "jax"
keras = importlib.import_module("keras")

RNG = np.random.default_rng(5)
X = RNG.normal(size=(8, 20)).astype(np.float32)
BACKENDS = ["numpy", "jax"]


def _pair(config_factory: Any = None) -> tuple[Any, Any]:
    """The same MLP (weights included) in Keras and in Oneiros, both quantized the same way."""
    keras_model = keras.Sequential([keras.Input((20,)), keras.layers.Dense(16, activation="relu"),
                                    keras.layers.Dense(5, use_bias=False)])
    model = oi.Sequential([layers.Input((20,)), layers.Dense(16, activation="relu"), layers.Dense(5, use_bias=False)])
    for ours, theirs in zip(model.layers, keras_model.layers):
        ours.set_weights(theirs.get_weights())
    if config_factory is None:
        keras_model.quantize("int8")
        model.quantize("int8")
    else:
        keras_model.quantize(config=config_factory(keras.quantizers))
        model.quantize(config=config_factory(quantizers))
    return keras_model, model


def _by_name(layer: Any) -> dict[str, np.ndarray]:
    return {weight.name: np.asarray(weight.value) for weight in layer.weights}


@pytest.mark.parametrize("backend", BACKENDS)
def test_int8_dense_matches_keras(backend: str) -> None:
    with oi.backend_scope(backend):
        keras_model, model = _pair()
        for ours, theirs in zip(model.layers, keras_model.layers):
            expected, received = _by_name(theirs), _by_name(ours)
            assert sorted(received) == sorted(expected)
            for name, value in expected.items():
                assert received[name].dtype == value.dtype, name
                np.testing.assert_array_equal(received[name], value, err_msg=name)
            assert ours.dtype_policy.name == theirs.dtype_policy.name == "int8_from_float32"
        np.testing.assert_allclose(model.predict(X, verbose=0), keras_model.predict(X, verbose=0), rtol=1e-5,
                                   atol=1e-5)


def test_weight_only_int8_matches_keras() -> None:
    def weight_only(module: Any) -> Any:
        return module.Int8QuantizationConfig(activation_quantizer=None)

    keras_model, model = _pair(weight_only)
    np.testing.assert_allclose(model.predict(X, verbose=0), keras_model.predict(X, verbose=0), rtol=1e-5, atol=1e-5)
    assert model.layers[0].inputs_quantizer is None


def test_filters_choose_the_layers() -> None:
    model = oi.Sequential([layers.Input((20,)), layers.Dense(16, name="hidden"), layers.Dense(5, name="head")])
    model.quantize("int8", filters="hid")
    assert [layer.dtype_policy.name for layer in model.layers] == ["int8_from_float32", "float32"]
    model.quantize("int8", filters=lambda layer: layer.name == "head")
    assert model.layers[1].kernel.dtype == "int8"


def test_bad_quantize_calls_raise_before_changing_the_model() -> None:
    model = oi.Sequential([layers.Input((20,)), layers.Dense(4)])
    kernel = np.asarray(model.layers[0].kernel.value)
    with pytest.raises(ValueError, match=r"Invalid quantization mode 'int3'; Oneiros implements \['int8'\]"):
        model.quantize("int3")
    with pytest.raises(ValueError, match="must be a QuantizationConfig"):
        model.quantize(config="int8")
    with pytest.raises(ValueError, match="filters must be"):
        model.quantize("int8", filters=3)
    np.testing.assert_array_equal(model.layers[0].kernel.value, kernel)
    with pytest.raises(ValueError, match="must be built before quantize"):
        layers.Dense(3).quantize("int8")
    model.quantize("int8")
    with pytest.raises(ValueError, match="already quantized"):
        model.quantize("int8")


def test_a_quantized_model_saves_loads_and_predicts_the_same_in_a_fresh_process(tmp_path: Path) -> None:
    _, model = _pair()
    expected = model.predict(X, verbose=0)
    path = model.save(tmp_path / "int8.oneiros")
    np.save(tmp_path / "x.npy", X)
    script = ("import sys, numpy as np, oneiros as oi; m = oi.load_model(sys.argv[1]); "
              "np.save(sys.argv[3], m.predict(np.load(sys.argv[2]), verbose=0)); "
              "print(m.layers[0].dtype_policy.name, m.layers[0].kernel.dtype)")
    done = subprocess.run([sys.executable, "-c", script, str(path), str(tmp_path / "x.npy"),
                           str(tmp_path / "y.npy")], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["int8_from_float32", "int8"]
    np.testing.assert_allclose(np.load(tmp_path / "y.npy"), expected, rtol=1e-6, atol=1e-6)


def test_a_custom_quantization_config_survives_saving(tmp_path: Path) -> None:
    model = oi.Sequential([layers.Input((20,)), layers.Dense(4)])
    model.quantize(config=quantizers.Int8QuantizationConfig(activation_quantizer=None))
    loaded = oi.load_model(model.save(tmp_path / "weights_only.oneiros"))
    assert loaded.layers[0].inputs_quantizer is None
    np.testing.assert_allclose(loaded.predict(X, verbose=0), model.predict(X, verbose=0), rtol=1e-6)


@pytest.mark.parametrize("to_numpy", [False, True])
@pytest.mark.parametrize("axis", [0, -1, (0, 1)])
def test_abs_max_quantize_matches_keras(axis: Any, to_numpy: bool) -> None:
    values = RNG.normal(size=(6, 7)).astype(np.float32)
    expected = keras.quantizers.abs_max_quantize(values, axis, to_numpy=to_numpy)
    received = quantizers.abs_max_quantize(values, axis, to_numpy=to_numpy)
    for ours, theirs in zip(received, expected):
        assert np.asarray(ours).dtype == np.asarray(theirs).dtype
        np.testing.assert_allclose(np.asarray(ours), np.asarray(theirs), rtol=1e-6)


def test_abs_max_quantizer_config_and_catalog_match_keras() -> None:
    quantizer = quantizers.AbsMaxQuantizer(axis=0, value_range=(-100, 100))
    keras_quantizer = keras.quantizers.AbsMaxQuantizer(axis=0, value_range=(-100, 100))
    assert quantizer.get_config() == keras_quantizer.get_config()
    values = RNG.normal(size=(5, 3)).astype(np.float32)
    np.testing.assert_array_equal(np.asarray(quantizer(values)[0]), np.asarray(keras_quantizer(values)[0]))
    rebuilt = quantizers.deserialize(quantizers.serialize(quantizer))
    assert isinstance(rebuilt, quantizers.AbsMaxQuantizer) and rebuilt.get_config() == quantizer.get_config()
    assert isinstance(quantizers.get("AbsMaxQuantizer"), quantizers.AbsMaxQuantizer)
    assert quantizers.get(None) is None
    with pytest.raises(ValueError, match=r"requires value_range within \[-128, 127\]"):
        quantizers.AbsMaxQuantizer(value_range=(-200, 200))
    with pytest.raises(ValueError, match="output_dtype='int8'"):
        quantizers.Int8QuantizationConfig(weight_quantizer=quantizers.AbsMaxQuantizer(output_dtype="int16"))


def test_float8_helpers_match_keras() -> None:
    amax = np.array([0.0, 3.5, np.inf], np.float32)
    scale = np.array([2.0, 2.0, 2.0], np.float32)
    np.testing.assert_allclose(quantizers.compute_float8_scale(amax, scale, 448.0, margin=1),
                               keras.quantizers.compute_float8_scale(amax, scale, 448.0, margin=1), rtol=1e-6)
    history = np.arange(1, 6, dtype=np.float32)
    x = np.array([[-7.0, 2.0]], np.float32)
    np.testing.assert_array_equal(quantizers.compute_float8_amax_history(x, history),
                                  keras.quantizers.compute_float8_amax_history(x, history))
    inputs = RNG.normal(scale=1e3, size=(4, 4)).astype(np.float32)
    np.testing.assert_allclose(quantizers.quantize_and_dequantize(inputs, 0.01, "float16", "float32"),
                               keras.quantizers.quantize_and_dequantize(inputs, 0.01, "float16", "float32"),
                               rtol=1e-6)


def test_int8_embedding_matches_keras(tmp_path: Path) -> None:
    ids = RNG.integers(0, 30, size=(4, 6))
    keras_model = keras.Sequential([keras.Input((6,), dtype="int32"), keras.layers.Embedding(30, 8),
                                    keras.layers.Dense(3)])
    model = oi.Sequential([layers.Input((6,), dtype="int32"), layers.Embedding(30, 8), layers.Dense(3)])
    for ours, theirs in zip(model.layers, keras_model.layers):
        ours.set_weights(theirs.get_weights())
    keras_model.quantize("int8")
    model.quantize("int8")
    expected, received = _by_name(keras_model.layers[0]), _by_name(model.layers[0])
    assert sorted(received) == ["embeddings", "embeddings_scale"] == sorted(expected)
    for name, value in expected.items():
        np.testing.assert_array_equal(received[name], value, err_msg=name)
    np.testing.assert_allclose(model.predict(ids, verbose=0), keras_model.predict(ids, verbose=0), rtol=1e-5,
                               atol=1e-5)
    loaded = oi.load_model(model.save(tmp_path / "embedding.oneiros"))
    np.testing.assert_allclose(loaded.predict(ids, verbose=0), model.predict(ids, verbose=0), rtol=1e-6)


@pytest.mark.parametrize(("equation", "output_shape", "bias_axes", "input_shape"), [
    ("ab,bc->ac", 6, "c", (5,)),
    ("abc,cd->abd", (3, 6), "d", (3, 5)),
    ("abc,cde->abde", (3, 2, 4), "de", (3, 5)),
    ("abcd,cde->abe", (3, 4), None, (3, 2, 5)),
])
def test_int8_einsum_dense_matches_keras(equation: str, output_shape: Any, bias_axes: Any, input_shape: tuple,
                                         tmp_path: Path) -> None:
    """(Keras 3.15 cannot quantize '...' equations: it passes the input rank where it expects a shape.)"""
    inputs = RNG.normal(size=(4, *input_shape)).astype(np.float32)
    theirs = keras.layers.EinsumDense(equation, output_shape, bias_axes=bias_axes)
    ours = layers.EinsumDense(equation, output_shape, bias_axes=bias_axes)
    theirs.build((None, *input_shape))
    ours.build((None, *input_shape))
    ours.set_weights(theirs.get_weights())
    theirs.quantize("int8")
    ours.quantize("int8")
    expected, received = _by_name(theirs), _by_name(ours)
    assert sorted(received) == sorted(expected)
    for name, value in expected.items():
        assert received[name].shape == value.shape, name
        np.testing.assert_array_equal(received[name], value, err_msg=name)
    np.testing.assert_allclose(ours(inputs), theirs(inputs), rtol=1e-5, atol=1e-5)
    model = oi.Sequential([layers.Input(input_shape), ours])
    loaded = oi.load_model(model.save(tmp_path / "einsum.oneiros"))
    np.testing.assert_allclose(loaded.predict(inputs, verbose=0), ours(inputs), rtol=1e-6, atol=1e-6)


def test_int8_einsum_dense_with_an_ellipsis_matches_its_float_outputs() -> None:
    """Keras cannot quantize this equation; the oracle is the float layer, within int8 rounding."""
    inputs = RNG.normal(size=(4, 2, 3, 5)).astype(np.float32)
    layer = layers.EinsumDense("...b,bc->...c", 6, bias_axes="c")
    expected = np.asarray(layer(inputs))
    layer.quantize("int8")
    assert layer.kernel_scale.shape == (1, 1, 1, 6)  # one scale per output channel, in the output's layout
    np.testing.assert_allclose(layer(inputs), expected, atol=0.05 * np.abs(expected).max())


def test_quantizers_are_reached_from_the_package_without_an_engine() -> None:
    script = ("import sys, oneiros as oi; q = oi.quantizers; "
              "print(q.AbsMaxQuantizer.__name__, 'jax' in sys.modules, 'onnxruntime' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["AbsMaxQuantizer", "False", "False"]
