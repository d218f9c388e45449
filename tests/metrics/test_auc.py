"""AUC: exact values on the threshold grid, a numpy rebuild of the thresholded counts, and the
approximation error against the exact (Mann-Whitney) ROC AUC off the grid."""

from __future__ import annotations

import numpy as np
import pytest

from oneiros import metrics, ops

EPS = 1e-7
RNG = np.random.default_rng(37)
Y_TRUE = RNG.integers(0, 2, size=(40,)).astype(np.float32)
# scores that lean towards the label, so the AUC is well inside (0.5, 1)
Y_PRED = np.clip(0.35 * Y_TRUE + RNG.uniform(0, 0.65, size=(40,)), 0, 1).astype(np.float32)
WEIGHTS = RNG.uniform(0.2, 2.0, size=(40,)).astype(np.float32)


def as_np(x) -> np.ndarray:
    return np.asarray(ops.to_numpy(x), dtype=np.float64)


def result_of(metric, *batches):
    for batch in batches:
        metric.update_state(*batch)
    return float(as_np(metric.result()))


def exact_roc_auc(y_true, y_pred, weights=None):
    """P(score of a positive > score of a negative), ties counting 1/2, over weighted pairs."""
    weights = np.ones(len(y_true)) if weights is None else weights
    wins = total = 0.0
    for i in range(len(y_true)):
        for j in range(len(y_true)):
            if y_true[i] == 1 and y_true[j] == 0:
                pair = weights[i] * weights[j]
                total += pair
                wins += pair * (1.0 if y_pred[i] > y_pred[j] else 0.5 if y_pred[i] == y_pred[j] else 0.0)
    return wins / total


def threshold_counts(y_true, y_pred, weights, thresholds):
    """Keras's confusion counts, rebuilt with a loop over thresholds: predicted positive iff p > t."""
    weights = np.ones(len(y_true)) if weights is None else np.asarray(weights, np.float64)
    positive = np.asarray(y_true) != 0
    counts = {key: [] for key in ("tp", "fp", "tn", "fn")}
    for t in thresholds:
        above = np.asarray(y_pred, np.float64) > t
        counts["tp"].append(np.sum(weights * (positive & above)))
        counts["fp"].append(np.sum(weights * (~positive & above)))
        counts["tn"].append(np.sum(weights * (~positive & ~above)))
        counts["fn"].append(np.sum(weights * (positive & ~above)))
    return {key: np.array(value) for key, value in counts.items()}


def keras_thresholds(num_thresholds):
    return [-EPS] + [(i + 1) / (num_thresholds - 1) for i in range(num_thresholds - 2)] + [1 + EPS]


def riemann_oracle(counts, curve, method):
    tp, fp, tn, fn = counts["tp"], counts["fp"], counts["tn"], counts["fn"]
    recall = np.divide(tp, tp + fn, out=np.zeros_like(tp), where=(tp + fn) != 0)
    if curve == "ROC":
        x = np.divide(fp, fp + tn, out=np.zeros_like(fp), where=(fp + tn) != 0)
        y = recall
    else:
        x = recall
        y = np.divide(tp, tp + fp, out=np.zeros_like(tp), where=(tp + fp) != 0)
    area = 0.0
    for i in range(len(x) - 1):
        heights = {"interpolation": (y[i] + y[i + 1]) / 2, "minoring": min(y[i], y[i + 1]),
                   "majoring": max(y[i], y[i + 1])}
        area += (x[i] - x[i + 1]) * heights[method]
    return area


def test_exact_on_the_threshold_grid():
    # thresholds -eps, 1/16, ..., 15/16, 1 + eps separate the scores k / 16 for k = 1..16
    # (0 would share a bucket with 1/16), so the trapezoids visit every operating point of
    # the ROC curve and the area is the exact ROC AUC
    scores = RNG.integers(1, 17, size=(30,)) / 16
    labels = (RNG.uniform(size=(30,)) < 0.3 + 0.4 * scores).astype(np.float32)
    metric = metrics.AUC(num_thresholds=17)
    assert result_of(metric, (labels, scores)) == pytest.approx(exact_roc_auc(labels, scores), abs=1e-6)
    weighted = metrics.AUC(num_thresholds=17)
    assert result_of(weighted, (labels, scores, WEIGHTS[:30])) == pytest.approx(
        exact_roc_auc(labels, scores, WEIGHTS[:30]), abs=1e-6)


def test_hand_values():
    # Keras's docstring example: 3 thresholds [0 - eps, 0.5, 1 + eps];
    # TP = [2, 1, 0], FP = [2, 0, 0], FN = [0, 1, 2], TN = [0, 2, 2]
    # TPR = [1, 0.5, 0], FPR = [1, 0, 0]: area (1 - 0) * (1 + 0.5) / 2 + 0 = 0.75
    assert result_of(metrics.AUC(num_thresholds=3), ([0, 0, 1, 1], [0, 0.5, 0.3, 0.9])) == 0.75
    # weights 1, 0, 0, 1 leave one negative (0) and one positive (0.9): perfectly separated
    assert result_of(metrics.AUC(num_thresholds=3), ([0, 0, 1, 1], [0, 0.5, 0.3, 0.9], [1, 0, 0, 1])) == 1.0


# PR with "interpolation" integrates Davis & Goadrich's interpolation: see the Keras agreement tests.
RIEMANN_CASES = [("ROC", "interpolation"), ("ROC", "minoring"), ("ROC", "majoring"),
                 ("PR", "minoring"), ("PR", "majoring")]


@pytest.mark.parametrize(("curve", "method"), RIEMANN_CASES)
def test_matches_a_numpy_rebuild_of_the_counts(curve, method):
    counts = threshold_counts(Y_TRUE, Y_PRED, WEIGHTS, keras_thresholds(50))
    metric = metrics.AUC(num_thresholds=50, curve=curve, summation_method=method)
    result = result_of(metric, (Y_TRUE[:15], Y_PRED[:15], WEIGHTS[:15]), (Y_TRUE[15:], Y_PRED[15:], WEIGHTS[15:]))
    assert result == pytest.approx(riemann_oracle(counts, curve, method), abs=1e-5)


def test_default_200_thresholds_approximate_the_exact_auc():
    exact = exact_roc_auc(Y_TRUE, Y_PRED)
    approx = result_of(metrics.AUC(), (Y_TRUE, Y_PRED))
    assert approx == pytest.approx(exact, abs=5e-3)
    lower = result_of(metrics.AUC(summation_method="minoring"), (Y_TRUE, Y_PRED))
    upper = result_of(metrics.AUC(summation_method="majoring"), (Y_TRUE, Y_PRED))
    assert lower <= exact + 1e-6 and exact - 1e-6 <= upper


def test_custom_thresholds():
    thresholds = [0.2, 0.45, 0.7]
    counts = threshold_counts(Y_TRUE, Y_PRED, None, [-EPS, *thresholds, 1 + EPS])
    metric = metrics.AUC(thresholds=thresholds[::-1])
    assert metric.thresholds == [-EPS, *thresholds, 1 + EPS]
    assert result_of(metric, (Y_TRUE, Y_PRED)) == pytest.approx(riemann_oracle(counts, "ROC", "interpolation"),
                                                               abs=1e-6)


def test_from_logits_applies_the_sigmoid():
    logits = np.log(Y_PRED + 1e-3) - np.log(1 - Y_PRED + 1e-3)
    from_probs = result_of(metrics.AUC(), (Y_TRUE, 1 / (1 + np.exp(-logits))))
    assert result_of(metrics.AUC(from_logits=True), (Y_TRUE, logits)) == pytest.approx(from_probs, abs=1e-6)


def test_multi_label_averages_per_label_areas():
    y_true = RNG.integers(0, 2, size=(30, 3)).astype(np.float32)
    y_pred = np.clip(0.3 * y_true + RNG.uniform(0, 0.7, size=(30, 3)), 0, 1).astype(np.float32)
    per_label = [riemann_oracle(threshold_counts(y_true[:, j], y_pred[:, j], None, keras_thresholds(40)),
                                "ROC", "interpolation") for j in range(3)]
    metric = metrics.AUC(num_thresholds=40, multi_label=True)
    assert not metric.built
    assert result_of(metric, (y_true, y_pred)) == pytest.approx(np.mean(per_label), abs=1e-5)
    assert metric.num_labels == 3
    weighted = metrics.AUC(num_thresholds=40, multi_label=True, num_labels=3, label_weights=[1.0, 0.0, 3.0])
    assert result_of(weighted, (y_true, y_pred)) == pytest.approx((per_label[0] + 3 * per_label[2]) / 4, abs=1e-5)


def test_flattened_multi_label_data_is_one_curve():
    y_true = RNG.integers(0, 2, size=(12, 2)).astype(np.float32)
    y_pred = RNG.uniform(size=(12, 2)).astype(np.float32)
    counts = threshold_counts(y_true.ravel(), y_pred.ravel(), None, keras_thresholds(30))
    assert result_of(metrics.AUC(num_thresholds=30), (y_true, y_pred)) == pytest.approx(
        riemann_oracle(counts, "ROC", "interpolation"), abs=1e-6)


def test_reset_and_invalid_arguments():
    metric = metrics.AUC()
    metric.update_state(Y_TRUE, Y_PRED)
    metric.reset_state()
    assert result_of(metric) == 0.0
    with pytest.raises(ValueError, match="num_thresholds"):
        metrics.AUC(num_thresholds=1)
    with pytest.raises(ValueError, match="curve"):
        metrics.AUC(curve="DET")
    with pytest.raises(ValueError, match="num_labels"):
        metrics.AUC(num_labels=3)
    with pytest.raises(ValueError, match="num_labels"):
        metrics.AUC(multi_label=True).initial_state()
