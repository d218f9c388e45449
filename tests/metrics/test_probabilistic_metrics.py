"""Crossentropy, KL, Poisson and hinge metrics: weighted means of per-sample losses."""

from __future__ import annotations

import math

import numpy as np
import pytest

from oneiros import metrics, ops

EPS = 1e-7
RNG = np.random.default_rng(47)
LABELS = RNG.integers(0, 3, size=(7,))
ONE_HOT = np.eye(3, dtype=np.float32)[LABELS]
PROBS = RNG.dirichlet(np.ones(3), size=7).astype(np.float32)
LOGITS = RNG.normal(scale=2.0, size=(7, 3)).astype(np.float32)
WEIGHTS = RNG.uniform(0.1, 2.0, size=(7,)).astype(np.float32)


def as_np(x) -> np.ndarray:
    return np.asarray(ops.to_numpy(x), dtype=np.float64)


def weighted(values, weights=WEIGHTS):
    return sum(v * w for v, w in zip(values, weights)) / sum(weights)


def accumulate(metric, y_true, y_pred, weights=WEIGHTS):
    metric.update_state(y_true[:3], y_pred[:3], weights[:3])
    metric.update_state(y_true[3:], y_pred[3:], weights[3:])
    return float(as_np(metric.result()))


def row_crossentropy(label, row, from_logits):
    if from_logits:
        top = max(row)
        return -(row[label] - top - math.log(sum(math.exp(v - top) for v in row)))
    return -math.log(min(max(row[label] / sum(row), EPS), 1 - EPS))


@pytest.mark.parametrize("from_logits", [False, True])
def test_categorical_and_sparse_crossentropy(from_logits):
    y_pred = LOGITS if from_logits else PROBS
    expected = weighted([row_crossentropy(label, row, from_logits) for label, row in zip(LABELS, y_pred)])
    categorical = metrics.CategoricalCrossentropy(from_logits=from_logits)
    assert accumulate(categorical, ONE_HOT, y_pred) == pytest.approx(expected, rel=1e-5)
    sparse = metrics.SparseCategoricalCrossentropy(from_logits=from_logits)
    assert accumulate(sparse, LABELS, y_pred) == pytest.approx(expected, rel=1e-5)


def test_sparse_crossentropy_leaves_ignored_labels_out_of_the_mean():
    labels = LABELS.copy()
    labels[[1, 4]] = -1
    valid = [i for i in range(7) if labels[i] != -1]
    expected = weighted([row_crossentropy(labels[i], PROBS[i], False) for i in valid], WEIGHTS[valid])
    metric = metrics.SparseCategoricalCrossentropy(ignore_class=-1)
    assert accumulate(metric, labels, PROBS) == pytest.approx(expected, rel=1e-5)


def test_binary_crossentropy_with_smoothing():
    y_true = RNG.integers(0, 2, size=(7, 3)).astype(np.float32)

    def row(t_row, p_row):
        total = 0.0
        for t, p in zip(t_row, p_row):
            t = t * 0.8 + 0.1
            total -= t * math.log(p) + (1 - t) * math.log(1 - p)
        return total / len(t_row)

    expected = weighted([row(t, p) for t, p in zip(y_true, PROBS)])
    metric = metrics.BinaryCrossentropy(label_smoothing=0.2)
    assert accumulate(metric, y_true, PROBS) == pytest.approx(expected, rel=1e-5)


def test_binary_crossentropy_hand_value():
    # Keras's example: rows -(log 0.4) and (-(log 0.6) - log 0.4) / 2 -> mean 0.814925
    metric = metrics.BinaryCrossentropy()
    metric.update_state([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]])
    assert as_np(metric.result()) == pytest.approx(0.814925, rel=1e-5)


def test_kl_divergence_poisson_and_hinges():
    targets = PROBS[::-1].copy()
    kld = [sum(t * math.log(t / p) for t, p in zip(t_row, p_row)) for t_row, p_row in zip(targets, PROBS)]
    assert accumulate(metrics.KLDivergence(), targets, PROBS) == pytest.approx(weighted(kld), rel=1e-4)
    poisson = [sum(p - t * math.log(p + EPS) for t, p in zip(t_row, p_row)) / 3
               for t_row, p_row in zip(targets, PROBS)]
    assert accumulate(metrics.Poisson(), targets, PROBS) == pytest.approx(weighted(poisson), rel=1e-5)
    signs = np.where(ONE_HOT > 0, 1.0, -1.0)
    hinge = [sum(max(1 - t * p, 0) for t, p in zip(t_row, p_row)) / 3 for t_row, p_row in zip(signs, LOGITS)]
    assert accumulate(metrics.Hinge(), ONE_HOT, LOGITS) == pytest.approx(weighted(hinge), rel=1e-5)
    squared = [sum(max(1 - t * p, 0) ** 2 for t, p in zip(t_row, p_row)) / 3 for t_row, p_row in zip(signs, LOGITS)]
    assert accumulate(metrics.SquaredHinge(), ONE_HOT, LOGITS) == pytest.approx(weighted(squared), rel=1e-5)
    # as in Keras, "neg" is max((1 - y) * p): the true class enters it as a 0
    categorical = [max(max([0.0] + [p for j, p in enumerate(row) if j != label]) - row[label] + 1, 0)
                   for label, row in zip(LABELS, LOGITS)]
    assert accumulate(metrics.CategoricalHinge(), ONE_HOT, LOGITS) == pytest.approx(weighted(categorical), rel=1e-5)
