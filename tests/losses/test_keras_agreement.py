"""Keras 3 (on JAX) as an independent oracle for Keras semantics: reductions, smoothing, focal."""

from __future__ import annotations

import importlib
import os

import numpy as np
import pytest

from oneiros import losses, ops

os.environ["KERAS_BACKEND"] = "jax"
keras = importlib.import_module("keras")

RNG = np.random.default_rng(17)
BINARY = RNG.integers(0, 2, size=(6, 3)).astype(np.float32)
PROBS = RNG.uniform(0.01, 0.99, size=(6, 3)).astype(np.float32)
LOGITS = RNG.normal(scale=2.0, size=(6, 3)).astype(np.float32)
LABELS = RNG.integers(0, 3, size=(6,))
ONE_HOT = np.eye(3, dtype=np.float32)[LABELS]
REAL = RNG.normal(size=(6, 3)).astype(np.float32)
WEIGHTS = RNG.uniform(0.0, 2.0, size=(6,)).astype(np.float32)

CASES = [
    ("MeanSquaredError", {}, REAL, PROBS),
    ("MeanAbsoluteError", {}, REAL, PROBS),
    ("MeanAbsolutePercentageError", {}, REAL, PROBS),
    ("MeanSquaredLogarithmicError", {}, PROBS, REAL),
    ("Huber", {"delta": 0.7}, REAL, LOGITS),
    ("LogCosh", {}, REAL, LOGITS),
    ("CosineSimilarity", {"axis": -1}, REAL, LOGITS),
    ("BinaryCrossentropy", {}, BINARY, PROBS),
    ("BinaryCrossentropy", {"from_logits": True, "label_smoothing": 0.15}, BINARY, LOGITS),
    ("BinaryFocalCrossentropy", {"gamma": 1.5, "label_smoothing": 0.1}, BINARY, PROBS),
    ("BinaryFocalCrossentropy", {"apply_class_balancing": True, "alpha": 0.35, "from_logits": True},
     BINARY, LOGITS),
    ("CategoricalCrossentropy", {"label_smoothing": 0.2}, ONE_HOT, PROBS),
    ("CategoricalCrossentropy", {"from_logits": True}, ONE_HOT, LOGITS),
    ("SparseCategoricalCrossentropy", {}, LABELS, PROBS),
    ("SparseCategoricalCrossentropy", {"from_logits": True, "ignore_class": 1}, LABELS, LOGITS),
    ("KLDivergence", {}, PROBS[::-1].copy(), PROBS),
    ("Poisson", {}, BINARY, PROBS),
    ("Hinge", {}, BINARY, LOGITS),
    ("SquaredHinge", {}, BINARY, LOGITS),
    ("CategoricalHinge", {}, ONE_HOT, LOGITS),
]
REDUCTIONS = ["sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", None]


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize(("name", "options", "y_true", "y_pred"), CASES,
                         ids=[f"{name}-{i}" for i, (name, *_) in enumerate(CASES)])
def test_agrees_with_keras(name, options, y_true, y_pred, reduction):
    ours = getattr(losses, name)(reduction=reduction, **options)
    theirs = getattr(keras.losses, name)(reduction=reduction, **options)
    for weights in (None, WEIGHTS):
        expected = np.asarray(theirs(y_true, y_pred, sample_weight=weights))
        actual = np.asarray(ops.to_numpy(ours(y_true, y_pred, sample_weight=weights)))
        np.testing.assert_allclose(actual, expected, rtol=2e-5, atol=2e-6)
