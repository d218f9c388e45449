"""Acceptance: spam detection on the SMS Spam Collection (5,574 real messages), JAX backend.

80/20 stratified split with a fixed seed; the vectorizer is adapted on the training texts and
applied before fit (the core's data adapters take numbers only, so raw strings cannot be fed to
fit yet). Bars: test accuracy >= 98% and spam F1 >= 0.90, for an LSTM model and, separately, a
small Transformer encoder.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import oneiros as oi
from oneiros import layers, ops

SMS = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "SMSSpamCollection.tsv"
LENGTH = 64
VOCABULARY = 10000
BATCH = 20  # 4,460 training messages: 223 equal batches, so the step compiles once


def stratified_split(labels, fraction, seed):
    rng = np.random.default_rng(seed)
    train, test = [], []
    for value in np.unique(labels):
        members = rng.permutation(np.flatnonzero(labels == value))
        cut = int(round(fraction * len(members)))
        train.extend(members[:cut])
        test.extend(members[cut:])
    return rng.permutation(train), np.sort(test)


@pytest.fixture(scope="module")
def sms():
    texts, labels = oi.data.load("delimited", SMS, label_column="Label", text_column="SMS")
    assert len(texts) == 5574 and (labels == "ham").sum() == 4827 and (labels == "spam").sum() == 747
    spam = (labels == "spam").astype("float32")
    train, test = stratified_split(spam, 0.8, seed=2024)
    assert spam[test].sum() == 149 and len(test) == 1114
    vectorizer = layers.TextVectorization(max_tokens=VOCABULARY, output_sequence_length=LENGTH)
    vectorizer.adapt(texts[train])
    vectorize = lambda part: np.asarray(ops.to_numpy(vectorizer(texts[part])))  # noqa: E731
    return vectorize(train), spam[train], vectorize(test), spam[test]


def train_and_score(model, sms, epochs):
    x_train, y_train, x_test, y_test = sms
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    model.fit(x_train, y_train, epochs=epochs, batch_size=BATCH, verbose=0)
    predicted = model.predict(x_test, batch_size=len(x_test), verbose=0)[:, 0] > 0.5
    actual = y_test > 0.5
    accuracy = float((predicted == actual).mean())
    true_positives = float((predicted & actual).sum())
    f1 = 2 * true_positives / (predicted.sum() + actual.sum())
    return accuracy, f1


class MaskedMean(layers.Layer):
    """The mean over the real (unmasked) steps."""

    supports_masking = True

    def call(self, inputs, mask=None):
        weights = ops.expand_dims(ops.cast(mask, "float32"), -1)
        return ops.divide(ops.sum(ops.multiply(inputs, weights), axis=1), ops.maximum(ops.sum(weights, axis=1), 1.0))

    def compute_output_shape(self, input_shape):
        return (input_shape[0], input_shape[2])

    def compute_mask(self, inputs, mask=None):
        return None


@pytest.mark.slow
def test_an_lstm_detects_spam(sms):
    with oi.backend_scope("jax"):
        oi.set_random_seed(1)
        model = oi.Sequential([layers.Input((LENGTH,), dtype="int32"), layers.Embedding(VOCABULARY, 32, mask_zero=True),
                               layers.LSTM(32), layers.Dense(1, activation="sigmoid")])
        accuracy, f1 = train_and_score(model, sms, epochs=4)
    assert accuracy >= 0.98 and f1 >= 0.90, (accuracy, f1)


@pytest.mark.slow
def test_a_transformer_encoder_detects_spam(sms):
    with oi.backend_scope("jax"):
        oi.set_random_seed(1)
        inputs = oi.Input((LENGTH,), dtype="int32")
        embedded = layers.PositionalEmbedding(LENGTH, VOCABULARY, 32, mask_zero=True)(inputs)
        encoded = layers.TransformerEncoder(intermediate_dim=64, num_heads=2, dropout=0.1)(embedded)
        model = oi.Model(inputs, layers.Dense(1, activation="sigmoid")(MaskedMean()(encoded)))
        accuracy, f1 = train_and_score(model, sms, epochs=3)
    assert accuracy >= 0.98 and f1 >= 0.90, (accuracy, f1)
