"""TP/FP/TN/FN counts, precision and recall against Python loops over every decision."""

from __future__ import annotations

import numpy as np
import pytest

from oneiros import metrics, ops

RNG = np.random.default_rng(31)
Y_TRUE = RNG.integers(0, 2, size=(10, 3)).astype(np.float32)
Y_PRED = RNG.uniform(size=(10, 3)).astype(np.float32)
WEIGHTS = RNG.uniform(0.0, 2.0, size=(10,)).astype(np.float32)


def as_np(x) -> np.ndarray:
    return np.asarray(ops.to_numpy(x), dtype=np.float64)


def counts_oracle(y_true, y_pred, threshold, weights=None, top_k=None, class_id=None):
    """Weighted (tp, fp, tn, fn) at one threshold, one decision at a time."""
    tp = fp = tn = fn = 0.0
    for row in range(len(y_true)):
        weight = 1.0 if weights is None else float(weights[row])
        kept = set(np.argsort(-y_pred[row])[:top_k]) if top_k else set(range(len(y_pred[row])))
        columns = [class_id] if class_id is not None else range(len(y_true[row]))
        for column in columns:
            score = y_pred[row][column] if column in kept else -1e10
            positive, predicted = y_true[row][column] != 0, score > threshold
            tp += weight * (positive and predicted)
            fp += weight * (not positive and predicted)
            tn += weight * (not positive and not predicted)
            fn += weight * (positive and not predicted)
    return tp, fp, tn, fn


def result_of(metric, *batches):
    for batch in batches:
        metric.update_state(*batch)
    return as_np(metric.result())


COUNT_METRICS = [metrics.TruePositives, metrics.FalsePositives, metrics.TrueNegatives,
                 metrics.FalseNegatives]


@pytest.mark.parametrize("index", range(4), ids=[cls.__name__ for cls in COUNT_METRICS])
@pytest.mark.parametrize("weighted", [False, True])
def test_counts_at_several_thresholds(index, weighted):
    thresholds = [0.0, 0.3, 0.5, 0.9]
    weights = WEIGHTS if weighted else None
    expected = [counts_oracle(Y_TRUE, Y_PRED, t, weights)[index] for t in thresholds]
    metric = COUNT_METRICS[index](thresholds=thresholds)
    np.testing.assert_allclose(result_of(metric, (Y_TRUE, Y_PRED, weights)), expected, rtol=1e-5)


def test_counts_hand_values():
    y_true, y_pred = [0, 1, 1, 1], [1, 0, 1, 1]
    # decisions at 0.5: (t=0, p=1) FP; (1, 0) FN; (1, 1) TP twice
    assert result_of(metrics.TruePositives(), (y_true, y_pred)) == 2.0
    assert result_of(metrics.FalsePositives(), (y_true, y_pred)) == 1.0
    assert result_of(metrics.FalseNegatives(), (y_true, y_pred)) == 1.0
    assert result_of(metrics.TrueNegatives(), (y_true, y_pred)) == 0.0
    # weights 0, 0, 1, 0 keep only one TP
    assert result_of(metrics.TruePositives(), (y_true, y_pred, [0.0, 0.0, 1.0, 0.0])) == 1.0


def test_precision_and_recall_hand_values():
    y_true, y_pred = [0, 1, 1, 1], [1, 0, 1, 1]
    # precision TP / (TP + FP) = 2 / 3; recall TP / (TP + FN) = 2 / 3
    assert result_of(metrics.Precision(), (y_true, y_pred)) == pytest.approx(2 / 3)
    assert result_of(metrics.Recall(), (y_true, y_pred)) == pytest.approx(2 / 3)
    # weight only on the (0, 1) false positive: precision 0 / 1; no positive label: recall 0
    assert result_of(metrics.Precision(), (y_true, y_pred, [1.0, 0.0, 0.0, 0.0])) == 0.0
    assert result_of(metrics.Recall(), (y_true, y_pred, [1.0, 0.0, 0.0, 0.0])) == 0.0


@pytest.mark.parametrize(("options", "oracle_options"), [
    ({}, {"threshold": 0.5}),
    ({"thresholds": 0.2}, {"threshold": 0.2}),
    ({"top_k": 1}, {"threshold": -1e10, "top_k": 1}),
    ({"top_k": 2, "thresholds": 0.4}, {"threshold": 0.4, "top_k": 2}),
    ({"class_id": 1}, {"threshold": 0.5, "class_id": 1}),
    ({"class_id": 2, "top_k": 1}, {"threshold": -1e10, "class_id": 2, "top_k": 1}),
], ids=["default", "threshold", "top1", "top2-threshold", "class1", "class2-top1"])
def test_precision_and_recall_match_loops(options, oracle_options):
    tp, fp, _, fn = counts_oracle(Y_TRUE, Y_PRED, weights=WEIGHTS, **oracle_options)
    precision = result_of(metrics.Precision(**options), (Y_TRUE[:4], Y_PRED[:4], WEIGHTS[:4]),
                          (Y_TRUE[4:], Y_PRED[4:], WEIGHTS[4:]))
    recall = result_of(metrics.Recall(**options), (Y_TRUE, Y_PRED, WEIGHTS))
    assert precision == pytest.approx(tp / (tp + fp), rel=1e-5)
    assert recall == pytest.approx(tp / (tp + fn), rel=1e-5)


def test_evenly_spaced_thresholds_keep_strict_comparisons():
    # thresholds 0, 0.5, 1 use Keras's bucketed counting; scores on the grid stay "not above"
    y_true = np.ones((6,), np.float32)
    y_pred = np.array([0.0, 0.25, 0.5, 0.75, 1.0, 0.5], np.float32)
    # above 0: 5 (all but 0.0); above 0.5: 2 (0.75, 1.0); above 1: none
    result = result_of(metrics.TruePositives(thresholds=[0.0, 0.5, 1.0]), (y_true, y_pred))
    np.testing.assert_array_equal(result, [5.0, 2.0, 0.0])
    counts = result_of(metrics.FalseNegatives(thresholds=[0.0, 0.5, 1.0]), (y_true, y_pred))
    np.testing.assert_array_equal(counts, [1.0, 4.0, 6.0])


def test_evenly_spaced_thresholds_match_loops():
    thresholds = list(np.linspace(0.0, 1.0, 11))
    expected = [counts_oracle(Y_TRUE, Y_PRED, t, WEIGHTS)[0] for t in thresholds]
    result = result_of(metrics.TruePositives(thresholds=thresholds), (Y_TRUE, Y_PRED, WEIGHTS))
    np.testing.assert_allclose(result, expected, rtol=1e-5)


def test_multiple_thresholds_give_one_value_each_and_reset():
    precision = metrics.Precision(thresholds=[0.25, 0.75])
    result = result_of(precision, (Y_TRUE, Y_PRED))
    expected = []
    for t in (0.25, 0.75):
        tp, fp, _, _ = counts_oracle(Y_TRUE, Y_PRED, t)
        expected.append(tp / (tp + fp))
    np.testing.assert_allclose(result, expected, rtol=1e-6)
    precision.reset_state()
    np.testing.assert_array_equal(as_np(precision.result()), [0.0, 0.0])


def test_per_entry_weights():
    weights = RNG.uniform(size=(10, 3)).astype(np.float32)
    expected = sum(weights[r, c] for r in range(10) for c in range(3) if Y_TRUE[r, c] and Y_PRED[r, c] > 0.5)
    assert result_of(metrics.TruePositives(), (Y_TRUE, Y_PRED, weights)) == pytest.approx(expected, rel=1e-5)


def test_invalid_arguments_are_refused():
    with pytest.raises(ValueError, match=r"thresholds"):
        metrics.Precision(thresholds=[0.5, 1.5])
    with pytest.raises(ValueError, match=r"class_id=3"):
        metrics.Recall(class_id=3).update_state(Y_TRUE, Y_PRED)
    with pytest.raises(ValueError, match=r"precision.*\(10, 2\).*\(10, 3\)"):
        metrics.Precision().update_state(Y_TRUE[:, :2], Y_PRED)
