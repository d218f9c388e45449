"""Masks propagate the Keras way: attached to outputs (``_keras_mask``), passed through pointwise
layers, handed to ``call(mask=...)`` of custom layers in functional and subclassed models.

Oracles: Keras 3's masks for the same inputs, and a masked LSTM against the same LSTM run on the
unpadded sequence.
"""

from __future__ import annotations

import os

import numpy as np
import pytest

os.environ.setdefault("KERAS_BACKEND", "jax")
import keras  # noqa: E402

import oneiros as oi  # noqa: E402
from oneiros import layers, ops  # noqa: E402
from oneiros.layers._keras_mask import get_keras_mask  # noqa: E402

TOKENS = np.array([[3, 4, 0, 0], [5, 0, 0, 0], [1, 2, 3, 4]])


def keras_mask_of(framework, build):
    outputs = build(framework)
    return np.asarray(outputs._keras_mask)


@pytest.mark.parametrize("pipeline", ["embedding", "embedding+dense", "masking", "masking+dropout"])
def test_eager_masks_match_keras(pipeline):
    def build(framework):
        if pipeline.startswith("embedding"):
            x = framework.layers.Embedding(10, 4, mask_zero=True)(TOKENS)
        else:
            values = np.where(TOKENS[..., None] == 0, 0.0, 1.0).astype("float32") * np.ones((1, 1, 2), "float32")
            x = framework.layers.Masking(0.0)(values)
        if pipeline.endswith("dense"):
            x = framework.layers.Dense(3)(x)
        if pipeline.endswith("dropout"):
            x = framework.layers.Dropout(0.5)(x)
        return x

    np.testing.assert_array_equal(keras_mask_of(oi, build), keras_mask_of(keras, build))


def test_a_layer_without_masking_support_drops_the_mask_like_keras():
    embedded = layers.Embedding(10, 4, mask_zero=True)(TOKENS)
    assert get_keras_mask(layers.Flatten()(embedded)) is None
    keras_embedded = keras.layers.Embedding(10, 4, mask_zero=True)(TOKENS)
    assert getattr(keras.layers.Flatten()(keras_embedded), "_keras_mask", None) is None


def test_symbolic_outputs_carry_a_symbolic_mask():
    inputs = oi.Input((4,), dtype="int32")
    embedded = layers.Embedding(10, 4, mask_zero=True)(inputs)
    dense = layers.Dense(2)(embedded)
    keras_inputs = keras.Input((4,), dtype="int32")
    keras_dense = keras.layers.Dense(2)(keras.layers.Embedding(10, 4, mask_zero=True)(keras_inputs))
    assert dense._keras_mask.shape == tuple(keras_dense._keras_mask.shape) == (None, 4)
    assert dense._keras_mask.dtype == "bool"
    assert layers.Dense(2)(inputs)._keras_mask is None


class MaskedMean(layers.Layer):
    """A custom layer the Keras way: supports_masking set in __init__, mask taken in call."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        self.received_masks = []

    def call(self, inputs, mask=None):
        self.received_masks.append(mask is not None)
        weights = ops.expand_dims(ops.cast(mask, inputs.dtype), -1)
        return ops.sum(inputs * weights, axis=1) / ops.sum(weights, axis=1)

    def compute_mask(self, inputs, mask=None):
        return None


def test_functional_models_hand_the_mask_to_custom_layers():
    inputs = oi.Input((4,), dtype="int32")
    embedding = layers.Embedding(10, 3, mask_zero=True)
    pooling = MaskedMean()
    model = oi.Model(inputs, pooling(embedding(inputs)))
    table = embedding.get_weights()[0]
    expected = np.stack([table[row[row > 0]].mean(axis=0) for row in TOKENS])
    np.testing.assert_allclose(model.predict(TOKENS, verbose=0), expected, rtol=1e-5, atol=1e-6)
    assert pooling.received_masks and all(pooling.received_masks)


class Encoder(oi.Model):
    """A subclassed model: the LSTM must see the embedding's mask without being handed it."""

    def __init__(self):
        super().__init__()
        self.embedding = layers.Embedding(10, 3, mask_zero=True)
        self.lstm = layers.LSTM(5)

    def call(self, inputs):
        return self.lstm(self.embedding(inputs))


def test_subclassed_models_chain_masks_eagerly():
    encoder = Encoder()
    padded = np.array([[3, 4, 2, 0, 0]])
    masked = ops.to_numpy(encoder(padded))
    unpadded = ops.to_numpy(encoder.lstm(encoder.embedding.embeddings.value[np.array([[3, 4, 2]])]))
    np.testing.assert_allclose(masked, unpadded, rtol=1e-5, atol=1e-6)
    unmasked = ops.to_numpy(encoder.lstm(encoder.embedding.embeddings.value[padded]))
    assert not np.allclose(masked, unmasked), "the padding must have been skipped by the mask"
