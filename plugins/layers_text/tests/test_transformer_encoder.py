"""TransformerEncoder against a numpy reference, with padding masks, post- and pre-normalization."""

from __future__ import annotations

import numpy as np
import pytest

import oneiros as oi
from oneiros import layers, ops
from oneiros.testing import check_layer

RNG = np.random.default_rng(5)
X = RNG.normal(size=(2, 5, 8)).astype("float32")
PADDING = np.array([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1]], bool)


def numpy_of(value):
    return np.asarray(ops.to_numpy(value))


def layer_norm(x, gamma, beta, epsilon=1e-5):
    mean = x.mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(x.var(-1, keepdims=True) + epsilon) * gamma + beta


def self_attention(x, weights, heads, allowed):
    wq, bq, wk, bk, wv, bv, wo, bo = weights
    q, k, v = (np.einsum("btd,dnh->btnh", x, w) + b for w, b in ((wq, bq), (wk, bk), (wv, bv)))
    scores = np.einsum("btnh,bsnh->bnts", q, k) / np.sqrt(q.shape[-1])
    scores = np.where(allowed[:, None], scores, -np.inf)
    probabilities = np.exp(scores - scores.max(-1, keepdims=True))
    probabilities /= probabilities.sum(-1, keepdims=True)
    return np.einsum("btnh,nho->bto", np.einsum("bnts,bsnh->btnh", probabilities, v), wo) + bo


def encoder_reference(layer, x, padding, normalize_first):
    attention = [w.numpy() for w in layer.self_attention_layer.weights]
    norm1 = [w.numpy() for w in layer.self_attention_layer_norm.weights]
    norm2 = [w.numpy() for w in layer.feedforward_layer_norm.weights]
    k1, b1 = (w.numpy() for w in layer.feedforward_intermediate_dense.weights)
    k2, b2 = (w.numpy() for w in layer.feedforward_output_dense.weights)
    allowed = np.broadcast_to(padding[:, None, :], (x.shape[0], x.shape[1], x.shape[1]))
    h = layer_norm(x, *norm1) if normalize_first else x
    h = self_attention(h, attention, layer.num_heads, allowed) + x
    h = h if normalize_first else layer_norm(h, *norm1)
    f = layer_norm(h, *norm2) if normalize_first else h
    f = np.maximum(f @ k1 + b1, 0) @ k2 + b2 + h
    return f if normalize_first else layer_norm(f, *norm2)


@pytest.mark.parametrize("normalize_first", [False, True])
def test_encoder_matches_numpy_with_a_padding_mask(backend, normalize_first):
    layer = layers.TransformerEncoder(intermediate_dim=16, num_heads=2, normalize_first=normalize_first)
    layer(X)
    layer.set_weights([RNG.normal(scale=0.3, size=w.shape).astype("float32") for w in layer.weights])
    expected = encoder_reference(layer, X, PADDING, normalize_first)
    np.testing.assert_allclose(numpy_of(layer(X, padding_mask=PADDING)), expected, rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(numpy_of(layer(X, mask=PADDING)), expected, rtol=1e-4, atol=1e-4)
    assert layer.compute_mask(X, PADDING) is PADDING


def test_padded_steps_do_not_change_real_steps_in_a_model():
    tokens = np.array([[5, 2, 7, 0, 0], [3, 3, 1, 4, 6]], "int32")
    inputs = oi.Input((5,), dtype="int32")
    encoded = layers.TransformerEncoder(16, 2)(layers.PositionalEmbedding(5, 8, 8, mask_zero=True)(inputs))
    model = oi.Model(inputs, encoded)
    baseline = numpy_of(model(tokens))
    shorter = numpy_of(model(tokens[:1, :3]))
    np.testing.assert_allclose(baseline[0, :3], shorter[0], rtol=1e-5, atol=1e-5)


def test_check_layer():
    report = check_layer(layers.TransformerEncoder, {"intermediate_dim": 6, "num_heads": 2}, input_shape=(2, 3, 4))
    assert report["gradients"] == "checked"


def test_encoder_needs_rank_3_inputs():
    with pytest.raises(ValueError, match=r"\(batch, steps, dim\)"):
        layers.TransformerEncoder(8, 2)(np.ones((2, 4), "float32"))
