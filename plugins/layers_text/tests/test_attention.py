"""Attention, AdditiveAttention and MultiHeadAttention against numpy references, with masks."""

from __future__ import annotations

import numpy as np
import pytest

import oneiros as oi
from oneiros import layers, ops
from oneiros.testing import check_layer

RNG = np.random.default_rng(11)
QUERY = RNG.normal(size=(2, 4, 6)).astype("float32")
VALUE = RNG.normal(size=(2, 5, 6)).astype("float32")
KEY = RNG.normal(size=(2, 5, 6)).astype("float32")
QUERY_MASK = np.array([[1, 1, 1, 0], [1, 1, 1, 1]], bool)
VALUE_MASK = np.array([[1, 1, 0, 0, 0], [1, 0, 1, 1, 1]], bool)
CAUSAL = np.tril(np.ones((4, 5), bool))


def numpy_of(value):
    return np.asarray(ops.to_numpy(value))


def softmax_where(scores, allowed):
    """Softmax over the last axis of the allowed entries; rows with none allowed give zeros."""
    shifted = np.where(allowed, scores, -np.inf)
    peak = np.max(shifted, axis=-1, keepdims=True)
    exponentials = np.where(allowed, np.exp(shifted - np.where(np.isfinite(peak), peak, 0)), 0.0)
    total = exponentials.sum(-1, keepdims=True)
    return np.divide(exponentials, total, out=np.zeros_like(exponentials), where=total > 0)


def mha_reference(query, value, key, weights, key_dim, allowed):
    wq, bq, wk, bk, wv, bv, wo, bo = weights
    q = np.einsum("btd,dnh->btnh", query, wq) + bq
    k = np.einsum("bsd,dnh->bsnh", key, wk) + bk
    v = np.einsum("bsd,dnh->bsnh", value, wv) + bv
    scores = np.einsum("btnh,bsnh->bnts", q, k) / np.sqrt(key_dim)
    probabilities = softmax_where(scores, allowed[:, None])
    attended = np.einsum("bnts,bsnh->btnh", probabilities, v)
    return np.einsum("btnh,nho->bto", attended, wo) + bo, probabilities


def randomize(layer):
    weights = [RNG.normal(scale=0.5, size=w.shape).astype("float32") for w in layer.weights]
    layer.set_weights(weights)
    return weights


def test_multi_head_attention_matches_numpy_with_every_kind_of_mask(backend):
    layer = layers.MultiHeadAttention(num_heads=3, key_dim=2, value_dim=4, output_shape=7)
    layer(QUERY, VALUE, KEY)
    weights = randomize(layer)
    attention_mask = RNG.random((2, 4, 5)) > 0.2
    output, scores = layer(QUERY, VALUE, KEY, attention_mask=attention_mask, query_mask=QUERY_MASK,
                           value_mask=VALUE_MASK, use_causal_mask=True, return_attention_scores=True)
    allowed = attention_mask & QUERY_MASK[:, :, None] & VALUE_MASK[:, None, :] & CAUSAL[None]
    expected, expected_scores = mha_reference(QUERY, VALUE, KEY, weights, 2, allowed)
    assert numpy_of(output).shape == (2, 4, 7) and numpy_of(scores).shape == (2, 3, 4, 5)
    np.testing.assert_allclose(numpy_of(scores), expected_scores, atol=1e-6)
    np.testing.assert_allclose(numpy_of(output), expected, rtol=1e-4, atol=1e-5)


def test_multi_head_self_attention_without_masks(backend):
    layer = layers.MultiHeadAttention(num_heads=2, key_dim=3)
    layer(QUERY, QUERY)
    weights = randomize(layer)
    expected, _ = mha_reference(QUERY, QUERY, QUERY, weights, 3, np.ones((2, 4, 4), bool))
    np.testing.assert_allclose(numpy_of(layer(QUERY, QUERY)), expected, rtol=1e-4, atol=1e-5)


def test_multi_head_attention_takes_masks_from_the_graph_and_keeps_the_query_mask():
    tokens = np.array([[2, 3, 0, 0], [1, 1, 1, 4]], "int32")
    inputs = oi.Input((4,), dtype="int32")
    embedded = layers.Embedding(5, 6, mask_zero=True)(inputs)
    attention = layers.MultiHeadAttention(num_heads=2, key_dim=3)
    attended, scores = attention(embedded, embedded, return_attention_scores=True)
    model = oi.Model(inputs, [attended, scores])
    _, probabilities = model(tokens)
    allowed = (tokens != 0)[:, :, None] & (tokens != 0)[:, None, :]
    np.testing.assert_array_equal(numpy_of(probabilities) > 0, np.broadcast_to(allowed[:, None], (2, 2, 4, 4)))
    assert attention.compute_mask([None, None, None], [tokens != 0, tokens != 0, tokens != 0]) is not None
    assert [tuple(t.shape) for t in model.outputs] == [(None, 4, 6), (None, 2, 4, 4)]


def test_attention_dropout_applies_in_training_only_and_scores_are_before_dropout():
    layer = layers.MultiHeadAttention(num_heads=2, key_dim=3, dropout=0.5, seed=1)
    inference, scores = layer(QUERY, VALUE, return_attention_scores=True)
    training, training_scores = layer(QUERY, VALUE, return_attention_scores=True, training=True)
    np.testing.assert_allclose(numpy_of(training_scores), numpy_of(scores), atol=1e-6)
    assert not np.allclose(numpy_of(training), numpy_of(inference))
    np.testing.assert_allclose(numpy_of(layer(QUERY, VALUE)), numpy_of(inference), atol=1e-6)


def attention_reference(query, value, key, scores, query_mask, value_mask):
    allowed = value_mask[:, None, :] & CAUSAL[None]
    penalized = np.where(allowed, scores, scores - 1e9)
    weights = np.exp(penalized - penalized.max(-1, keepdims=True))
    weights /= weights.sum(-1, keepdims=True)
    return np.where(query_mask[..., None], weights @ value, 0.0), weights


@pytest.mark.parametrize("score_mode", ["dot", "concat"])
def test_attention_matches_numpy(backend, score_mode):
    layer = layers.Attention(use_scale=True, score_mode=score_mode)
    layer([QUERY, VALUE, KEY])
    weights = randomize(layer)
    scale = weights[0]
    if score_mode == "dot":
        scores = scale * QUERY @ KEY.transpose(0, 2, 1)
    else:
        scores = weights[1] * np.tanh(scale * (QUERY[:, :, None] + KEY[:, None])).sum(-1)
    output, probabilities = layer([QUERY, VALUE, KEY], mask=[QUERY_MASK, VALUE_MASK], use_causal_mask=True,
                                  return_attention_scores=True)
    expected, expected_weights = attention_reference(QUERY, VALUE, KEY, scores, QUERY_MASK, VALUE_MASK)
    np.testing.assert_allclose(numpy_of(probabilities), expected_weights, atol=1e-6)
    np.testing.assert_allclose(numpy_of(output), expected, rtol=1e-5, atol=1e-5)


def test_additive_attention_matches_numpy(backend):
    layer = layers.AdditiveAttention()
    layer([QUERY, VALUE, KEY])
    (scale,) = randomize(layer)
    scores = (scale * np.tanh(QUERY[:, :, None] + KEY[:, None])).sum(-1)
    output = layer([QUERY, VALUE, KEY], mask=[QUERY_MASK, VALUE_MASK], use_causal_mask=True)
    expected, _ = attention_reference(QUERY, VALUE, KEY, scores, QUERY_MASK, VALUE_MASK)
    np.testing.assert_allclose(numpy_of(output), expected, rtol=1e-5, atol=1e-5)
    assert "score_mode" not in layer.get_config()


@pytest.mark.parametrize("layer_class,arguments", [
    (layers.Attention, {"use_scale": True, "score_mode": "concat"}),
    (layers.AdditiveAttention, {}),
    (layers.MultiHeadAttention, {"num_heads": 2, "key_dim": 2, "value_dim": 3}),
])
def test_check_layer(layer_class, arguments):
    report = check_layer(layer_class, arguments, input_shape=[(2, 3, 4), (2, 5, 4)])
    assert report["gradients"] == "checked"


def test_bad_inputs_are_refused():
    with pytest.raises(ValueError, match=r"list \[query, value\]"):
        layers.Attention()(QUERY)
    with pytest.raises(ValueError, match="rank-3"):
        layers.MultiHeadAttention(num_heads=2, key_dim=2)(np.ones((2, 3, 4, 5), "float32"),
                                                          np.ones((2, 3, 4, 5), "float32"))
    with pytest.raises(ValueError, match="attention_axes"):
        layers.MultiHeadAttention(num_heads=2, key_dim=2, attention_axes=(1, 2))
    with pytest.raises(ValueError, match="needs a value"):
        layers.MultiHeadAttention(num_heads=2, key_dim=2)(QUERY)
