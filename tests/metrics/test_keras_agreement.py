"""Keras 3 (on JAX) as an independent oracle for Keras semantics, over weighted batches."""

from __future__ import annotations

import importlib
import os

import numpy as np
import pytest

import oneiros
from oneiros import metrics, ops

os.environ["KERAS_BACKEND"] = "jax"
keras = importlib.import_module("keras")

RNG = np.random.default_rng(59)
BINARY = RNG.integers(0, 2, size=(24, 4)).astype(np.float32)
PROBS = np.clip(0.3 * BINARY + RNG.uniform(0, 0.7, size=(24, 4)), 0, 1).astype(np.float32)
LOGITS = RNG.normal(scale=2.0, size=(24, 4)).astype(np.float32)
LABELS = RNG.integers(0, 4, size=(24,))
ONE_HOT = np.eye(4, dtype=np.float32)[LABELS]
REAL = RNG.uniform(0.5, 2.0, size=(24, 4)).astype(np.float32)
WEIGHTS = RNG.uniform(0.1, 2.0, size=(24,)).astype(np.float32)
BATCHES = [slice(0, 12), slice(12, 24)]

CASES = [
    ("AUC", {}, BINARY, PROBS),
    ("AUC", {"curve": "PR"}, BINARY, PROBS),
    ("AUC", {"curve": "PR", "summation_method": "minoring", "num_thresholds": 30}, BINARY, PROBS),
    ("AUC", {"summation_method": "majoring"}, BINARY, PROBS),
    ("AUC", {"from_logits": True, "num_thresholds": 64}, BINARY, LOGITS),
    ("AUC", {"thresholds": [0.1, 0.35, 0.5, 0.8]}, BINARY, PROBS),
    ("AUC", {"multi_label": True, "num_labels": 4, "curve": "PR"}, BINARY, PROBS),
    ("AUC", {"multi_label": True, "num_labels": 4, "label_weights": [0.5, 1.0, 2.0, 0.0]}, BINARY, PROBS),
    ("AUC", {"label_weights": [0.5, 1.0, 2.0, 0.0]}, BINARY, PROBS),
    ("Precision", {}, BINARY, PROBS),
    ("Precision", {"thresholds": [0.2, 0.5, 0.7], "class_id": 2}, BINARY, PROBS),
    ("Precision", {"top_k": 2}, BINARY, PROBS),
    ("Recall", {"top_k": 1, "class_id": 0}, BINARY, PROBS),
    ("Recall", {"thresholds": [0.0, 0.25, 0.5, 0.75, 1.0]}, BINARY, PROBS),
    ("TruePositives", {"thresholds": [0.3, 0.6]}, BINARY, PROBS),
    ("TrueNegatives", {}, BINARY, PROBS),
    ("FalsePositives", {}, BINARY, PROBS),
    ("FalseNegatives", {"thresholds": 0.4}, BINARY, PROBS),
    ("F1Score", {}, BINARY, PROBS),
    ("F1Score", {"average": "weighted", "threshold": 0.5}, BINARY, PROBS),
    ("FBetaScore", {"average": "micro", "beta": 2.0, "threshold": 0.6}, BINARY, PROBS),
    ("FBetaScore", {"average": "macro", "beta": 0.5}, BINARY, PROBS),
    ("R2Score", {}, REAL, PROBS + REAL / 2),
    ("R2Score", {"class_aggregation": None, "num_regressors": 3}, REAL, PROBS + REAL / 2),
    ("R2Score", {"class_aggregation": "variance_weighted_average"}, REAL, PROBS + REAL / 2),
    ("BinaryAccuracy", {"threshold": 0.6}, BINARY, PROBS),
    ("CategoricalAccuracy", {}, ONE_HOT, PROBS),
    ("SparseCategoricalAccuracy", {}, LABELS, PROBS),
    ("TopKCategoricalAccuracy", {"k": 2}, ONE_HOT, PROBS),
    ("SparseTopKCategoricalAccuracy", {"k": 3}, LABELS, PROBS),
    ("BinaryCrossentropy", {"from_logits": True, "label_smoothing": 0.1}, BINARY, LOGITS),
    ("CategoricalCrossentropy", {"label_smoothing": 0.2}, ONE_HOT, PROBS),
    ("SparseCategoricalCrossentropy", {"from_logits": True}, LABELS, LOGITS),
    ("MeanSquaredError", {}, REAL, PROBS),
    ("RootMeanSquaredError", {}, REAL, PROBS),
    ("MeanAbsolutePercentageError", {}, REAL, PROBS),
    ("CosineSimilarity", {}, REAL, LOGITS),
    ("LogCoshError", {}, REAL, LOGITS),
    ("KLDivergence", {}, PROBS[::-1].copy(), PROBS),
    ("Poisson", {}, REAL, PROBS),
    ("CategoricalHinge", {}, ONE_HOT, LOGITS),
]


@pytest.fixture(params=["numpy"], autouse=True)
def backend(request):
    """Semantics are backend-independent; the JAX runs are covered by test_metric_protocol."""
    with oneiros.backend_scope(request.param) as active:
        yield active


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize(("name", "options", "y_true", "y_pred"), CASES,
                         ids=[f"{name}-{i}" for i, (name, *_) in enumerate(CASES)])
def test_agrees_with_keras(name, options, y_true, y_pred, weighted):
    ours, theirs = getattr(metrics, name)(**options), getattr(keras.metrics, name)(**options)
    for batch in BATCHES:
        weights = WEIGHTS[batch] if weighted else None
        ours.update_state(y_true[batch], y_pred[batch], weights)
        theirs.update_state(y_true[batch], y_pred[batch], sample_weight=weights)
    np.testing.assert_allclose(np.asarray(ops.to_numpy(ours.result())), np.asarray(theirs.result()),
                               rtol=1e-4, atol=1e-5)


def test_ignore_class_agrees_with_keras_when_weighted():
    ours = metrics.SparseCategoricalCrossentropy(from_logits=True, ignore_class=2)
    theirs = keras.metrics.SparseCategoricalCrossentropy(from_logits=True, ignore_class=2)
    for batch in BATCHES:
        ours.update_state(LABELS[batch], LOGITS[batch], WEIGHTS[batch])
        theirs.update_state(LABELS[batch], LOGITS[batch], sample_weight=WEIGHTS[batch])
    np.testing.assert_allclose(np.asarray(ops.to_numpy(ours.result())), np.asarray(theirs.result()),
                               rtol=1e-5)


def test_ignore_class_leaves_ignored_labels_out_of_the_unweighted_mean_too():
    # Keras 3.15 drops ignored labels from the count only when sample weights are given (its
    # mask reaches Mean only through the weights); Oneiros drops them in both cases, like the loss.
    ours = metrics.SparseCategoricalCrossentropy(from_logits=True, ignore_class=2)
    ours.update_state(LABELS, LOGITS)
    loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=2)
    np.testing.assert_allclose(np.asarray(ops.to_numpy(ours.result())), np.asarray(loss(LABELS, LOGITS)),
                               rtol=1e-5)
