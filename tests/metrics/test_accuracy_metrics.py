"""Accuracy metrics against Keras's documented values and Python loops."""

from __future__ import annotations

import numpy as np
import pytest

from oneiros import metrics, ops

RNG = np.random.default_rng(29)
SCORES = RNG.uniform(size=(8, 5)).astype(np.float32)
LABELS = RNG.integers(0, 5, size=(8,))
ONE_HOT = np.eye(5, dtype=np.float32)[LABELS]
WEIGHTS = RNG.uniform(0.1, 2.0, size=(8,)).astype(np.float32)


def as_np(x) -> np.ndarray:
    return np.asarray(ops.to_numpy(x), dtype=np.float64)


def result_of(metric, *batches):
    for batch in batches:
        metric.update_state(*batch)
    return float(as_np(metric.result()))


def weighted_mean(hits, weights):
    return sum(h * w for h, w in zip(hits, weights)) / sum(weights)


def top_k_hits(labels, scores, k):
    """A label is a hit when fewer than k scores of its row are strictly larger."""
    return [float(sum(s > row[label] for s in row) < k) for label, row in zip(labels, scores)]


def test_accuracy():
    y_true, y_pred = [[1.0], [2.0], [3.0], [4.0]], [[0.0], [2.0], [3.0], [4.0]]
    assert result_of(metrics.Accuracy(), (y_true, y_pred)) == pytest.approx(0.75)  # 3 of 4
    # weights 1, 1, 0, 0: hits 0 and 1 -> 1 / 2
    assert result_of(metrics.Accuracy(), (y_true, y_pred, [1.0, 1.0, 0.0, 0.0])) == pytest.approx(0.5)


def test_binary_accuracy():
    y_true, y_pred = [[1.0], [1.0], [0.0], [0.0]], [[0.98], [1.0], [0.0], [0.6]]
    assert result_of(metrics.BinaryAccuracy(), (y_true, y_pred)) == pytest.approx(0.75)
    # weights 1, 0, 0, 1: hit and miss -> 0.5
    assert result_of(metrics.BinaryAccuracy(), (y_true, y_pred, [1.0, 0.0, 0.0, 1.0])) == pytest.approx(0.5)
    # threshold 0.7 turns 0.6 into 0: 4 of 4
    assert result_of(metrics.BinaryAccuracy(threshold=0.7), (y_true, y_pred)) == pytest.approx(1.0)


def test_binary_accuracy_of_multi_label_rows():
    y_true = (SCORES > 0.4).astype(np.float32)
    hits = [[float((s > 0.5) == bool(t)) for s, t in zip(s_row, t_row)] for s_row, t_row in zip(SCORES, y_true)]
    expected = weighted_mean([sum(row) / len(row) for row in hits], WEIGHTS)
    assert result_of(metrics.BinaryAccuracy(), (y_true, SCORES, WEIGHTS)) == pytest.approx(expected, rel=1e-6)


def test_categorical_and_sparse_categorical_accuracy():
    y_pred = [[0.1, 0.9, 0.8], [0.05, 0.95, 0.0]]
    # row 1 predicts class 1 (label 2): miss; row 2 predicts class 1 (label 1): hit
    assert result_of(metrics.CategoricalAccuracy(), ([[0, 0, 1], [0, 1, 0]], y_pred)) == pytest.approx(0.5)
    # weights 0.7 and 0.3: only the hit's weight counts -> 0.3
    assert result_of(metrics.CategoricalAccuracy(), ([[0, 0, 1], [0, 1, 0]], y_pred, [0.7, 0.3])) == (
        pytest.approx(0.3))
    assert result_of(metrics.SparseCategoricalAccuracy(), ([[2], [1]], y_pred)) == pytest.approx(0.5)
    assert result_of(metrics.SparseCategoricalAccuracy(), ([2, 1], y_pred, [0.7, 0.3])) == pytest.approx(0.3)


def test_categorical_accuracies_match_loops():
    hits = [float(label == int(np.argmax(row))) for label, row in zip(LABELS, SCORES)]
    expected = weighted_mean(hits, WEIGHTS)
    assert result_of(metrics.CategoricalAccuracy(), (ONE_HOT, SCORES, WEIGHTS)) == pytest.approx(expected)
    assert result_of(metrics.SparseCategoricalAccuracy(), (LABELS, SCORES, WEIGHTS)) == pytest.approx(expected)


@pytest.mark.parametrize("k", [1, 2, 4])
def test_top_k_accuracies_match_loops(k):
    expected = weighted_mean(top_k_hits(LABELS, SCORES, k), WEIGHTS)
    assert result_of(metrics.TopKCategoricalAccuracy(k=k), (ONE_HOT, SCORES, WEIGHTS)) == pytest.approx(expected)
    sparse = metrics.SparseTopKCategoricalAccuracy(k=k)
    assert result_of(sparse, (LABELS, SCORES, WEIGHTS)) == pytest.approx(expected)


def test_top_k_hand_values_and_ties():
    y_pred = [[0.1, 0.9, 0.8], [0.05, 0.95, 0.0]]
    # k=1: row 1's label 2 (0.8) is second: miss; row 2 hit -> 0.5. k=2: both hit
    assert result_of(metrics.TopKCategoricalAccuracy(k=1), ([[0, 0, 1], [0, 1, 0]], y_pred)) == 0.5
    assert result_of(metrics.SparseTopKCategoricalAccuracy(k=2), ([2, 1], y_pred)) == 1.0
    # a tie with the best score counts as in the top 1 (no score is strictly larger)
    assert result_of(metrics.SparseTopKCategoricalAccuracy(k=1), ([1], [[0.5, 0.5, 0.1]])) == 1.0


def test_sparse_top_k_from_sorted_ids():
    metric = metrics.SparseTopKCategoricalAccuracy(k=2, from_sorted_ids=True)
    # ids best first: label 3 is in [3, 1]; label 0 is not in [2, 4] (only at position 3)
    assert result_of(metric, ([3, 0], [[3, 1, 0], [2, 4, 0]])) == pytest.approx(0.5)


def test_accumulation_over_batches():
    metric = metrics.SparseCategoricalAccuracy()
    hits = [float(label == int(np.argmax(row))) for label, row in zip(LABELS, SCORES)]
    for start in range(0, 8, 3):
        metric.update_state(LABELS[start:start + 3], SCORES[start:start + 3], WEIGHTS[start:start + 3])
    assert float(as_np(metric.result())) == pytest.approx(weighted_mean(hits, WEIGHTS))
    metric.reset_state()
    assert float(as_np(metric.result())) == 0.0


def test_bad_shapes_are_refused():
    with pytest.raises(ValueError, match=r"sparse_categorical_accuracy.*\(8, 2\).*\(8, 5\)"):
        metrics.SparseCategoricalAccuracy().update_state(np.zeros((8, 2)), SCORES)
    with pytest.raises(ValueError, match=r"categorical_accuracy.*\(8,\).*\(8, 5\)"):
        metrics.CategoricalAccuracy().update_state(LABELS, SCORES)
    with pytest.raises(ValueError, match="k=0"):
        metrics.TopKCategoricalAccuracy(k=0)
