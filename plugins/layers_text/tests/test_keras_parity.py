"""Weights are interchangeable with Keras 3: the same weights give the same outputs as Keras 3
on JAX (recurrent layers with masks, Bidirectional, and the attention layers)."""

from __future__ import annotations

import os

import numpy as np
import pytest

os.environ.setdefault("KERAS_BACKEND", "jax")
import keras  # noqa: E402

import oneiros as oi  # noqa: E402
from oneiros import layers, ops  # noqa: E402

RNG = np.random.default_rng(3)
X = RNG.normal(size=(3, 6, 4)).astype("float32")
MASK = np.array([[1, 1, 1, 1, 0, 0], [1, 1, 1, 1, 1, 1], [1, 0, 1, 1, 1, 0]], bool)


def numpy_of(value):
    return np.asarray(ops.to_numpy(value))


def test_keras_runs_on_jax():
    assert keras.backend.backend() == "jax"


def same_weights(keras_layer, ours, *inputs):
    ours(*inputs)
    weights = [np.asarray(w) for w in keras_layer.get_weights()]
    assert [w.shape for w in weights] == [tuple(w.shape) for w in ours.weights]
    ours.set_weights(weights)


@pytest.mark.parametrize("name,arguments,mask", [
    ("LSTM", {}, None), ("LSTM", {}, MASK), ("GRU", {}, MASK), ("GRU", {"reset_after": False}, MASK),
    ("SimpleRNN", {}, MASK), ("LSTM", {"go_backwards": True}, MASK),
    ("GRU", {"go_backwards": True, "return_state": True}, None),
])
def test_recurrent_layers_match_keras(name, arguments, mask):
    keras_layer = getattr(keras.layers, name)(5, return_sequences=True, **arguments)
    expected = keras_layer(X, mask=mask)
    ours = getattr(layers, name)(5, return_sequences=True, **arguments)
    same_weights(keras_layer, ours, X)
    for got, want in zip(_as_list(ours(X, mask=mask)), _as_list(expected)):
        np.testing.assert_allclose(numpy_of(got), np.asarray(want), atol=1e-5)


def _as_list(value):
    return list(value) if isinstance(value, (list, tuple)) else [value]


@pytest.mark.parametrize("merge_mode", ["concat", None])
def test_bidirectional_matches_keras(merge_mode):
    keras_layer = keras.layers.Bidirectional(keras.layers.LSTM(3, return_sequences=True), merge_mode=merge_mode)
    expected = keras_layer(X, mask=MASK)
    ours = layers.Bidirectional(layers.LSTM(3, return_sequences=True), merge_mode=merge_mode)
    same_weights(keras_layer, ours, X)
    for got, want in zip(_as_list(ours(X, mask=MASK)), _as_list(expected)):
        np.testing.assert_allclose(numpy_of(got), np.asarray(want), atol=1e-5)


def test_multi_head_attention_matches_keras_with_input_masks_and_a_causal_mask():
    tokens = np.array([[3, 5, 2, 0, 0], [1, 2, 3, 4, 5]], "int32")
    keras_inputs = keras.Input((5,), dtype="int32")
    keras_embedded = keras.layers.Embedding(8, 8, mask_zero=True)(keras_inputs)
    keras_attention = keras.layers.MultiHeadAttention(num_heads=2, key_dim=3, output_shape=6)
    keras_output = keras_attention(keras_embedded, keras_embedded, use_causal_mask=True)
    keras_model = keras.Model(keras_inputs, keras_output)

    inputs = oi.Input((5,), dtype="int32")
    embedding = layers.Embedding(8, 8, mask_zero=True)
    attention = layers.MultiHeadAttention(num_heads=2, key_dim=3, output_shape=6)
    embedded = embedding(inputs)
    model = oi.Model(inputs, attention(embedded, embedded, use_causal_mask=True))
    model.set_weights([np.asarray(w) for w in keras_model.get_weights()])
    # Only real tokens are compared: at padded query steps nothing may be attended to, and Keras's fused
    # path (taken here) averages all values while its explicit path, like oneiros, gives zero weights.
    real = tokens != 0
    np.testing.assert_allclose(numpy_of(model(tokens))[real], np.asarray(keras_model(tokens))[real], atol=1e-5)


def test_multi_head_attention_scores_match_keras_with_an_attention_mask():
    query = RNG.normal(size=(2, 4, 6)).astype("float32")
    value = RNG.normal(size=(2, 5, 6)).astype("float32")
    attention_mask = RNG.random((2, 4, 5)) > 0.4
    keras_layer = keras.layers.MultiHeadAttention(num_heads=3, key_dim=2)
    expected, expected_scores = keras_layer(query, value, attention_mask=attention_mask,
                                            return_attention_scores=True)
    ours = layers.MultiHeadAttention(num_heads=3, key_dim=2)
    same_weights(keras_layer, ours, query, value)
    got, scores = ours(query, value, attention_mask=attention_mask, return_attention_scores=True)
    np.testing.assert_allclose(numpy_of(got), np.asarray(expected), atol=1e-5)
    np.testing.assert_allclose(numpy_of(scores), np.asarray(expected_scores), atol=1e-6)


@pytest.mark.parametrize("name,arguments", [
    ("Attention", {}), ("Attention", {"use_scale": True, "score_mode": "concat"}), ("AdditiveAttention", {}),
])
def test_attention_matches_keras(name, arguments):
    query = RNG.normal(size=(2, 4, 3)).astype("float32")
    value = RNG.normal(size=(2, 5, 3)).astype("float32")
    masks = [RNG.random((2, 4)) > 0.3, RNG.random((2, 5)) > 0.3]
    keras_layer = getattr(keras.layers, name)(**arguments)
    keras_layer([query, value])
    ours = getattr(layers, name)(**arguments)
    ours([query, value])
    ours.set_weights([RNG.normal(size=w.shape).astype("float32") for w in ours.weights])
    keras_layer.set_weights(ours.get_weights())
    expected, expected_scores = keras_layer([query, value], mask=masks, use_causal_mask=True,
                                            return_attention_scores=True)
    got, scores = ours([query, value], mask=masks, use_causal_mask=True, return_attention_scores=True)
    np.testing.assert_allclose(numpy_of(got), np.asarray(expected), atol=1e-5)
    np.testing.assert_allclose(numpy_of(scores), np.asarray(expected_scores), atol=1e-6)
