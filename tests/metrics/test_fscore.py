"""F1 and F-beta scores against Keras's documented values and per-class Python loops."""

from __future__ import annotations

import numpy as np
import pytest

from oneiros import metrics, ops

Y_TRUE = np.array([[1, 1, 1], [1, 0, 0], [1, 1, 0]], np.float32)
Y_PRED = np.array([[0.2, 0.6, 0.7], [0.2, 0.6, 0.6], [0.6, 0.8, 0.0]], np.float32)
RNG = np.random.default_rng(41)
MANY_TRUE = RNG.integers(0, 2, size=(12, 4)).astype(np.float32)
MANY_PRED = RNG.uniform(size=(12, 4)).astype(np.float32)
WEIGHTS = RNG.uniform(0.1, 2.0, size=(12,)).astype(np.float32)
EPS = 1e-7


def as_np(x) -> np.ndarray:
    return np.asarray(ops.to_numpy(x), dtype=np.float64)


def result_of(metric, *batches):
    for batch in batches:
        metric.update_state(*batch)
    return as_np(metric.result())


def f_beta_oracle(y_true, y_pred, weights=None, beta=1.0, threshold=None, average=None):
    rows, classes = y_true.shape
    weights = np.ones(rows) if weights is None else weights
    predicted = np.zeros_like(y_pred)
    for r in range(rows):
        for c in range(classes):
            if threshold is None:
                predicted[r, c] = float(y_pred[r, c] == max(y_pred[r]) and abs(y_pred[r, c]) > 1e-9)
            else:
                predicted[r, c] = float(y_pred[r, c] > threshold)
    tp = np.array([sum(weights[r] * predicted[r, c] * y_true[r, c] for r in range(rows)) for c in range(classes)])
    fp = np.array([sum(weights[r] * predicted[r, c] * (1 - y_true[r, c]) for r in range(rows))
                   for c in range(classes)])
    fn = np.array([sum(weights[r] * (1 - predicted[r, c]) * y_true[r, c] for r in range(rows))
                   for c in range(classes)])
    support = np.array([sum(weights[r] * y_true[r, c] for r in range(rows)) for c in range(classes)])
    if average == "micro":
        tp, fp, fn = tp.sum(), fp.sum(), fn.sum()

    def score(tp, fp, fn):
        precision, recall = tp / (tp + fp + EPS), tp / (tp + fn + EPS)
        return (1 + beta ** 2) * precision * recall / (beta ** 2 * precision + recall + EPS)

    scores = score(tp, fp, fn)
    if average == "weighted":
        return float(np.sum(scores * support / (support.sum() + EPS)))
    if average in ("micro", "macro"):
        return float(np.mean(scores))
    return scores


def test_keras_documented_example():
    # class 0: predicted [0, 0, 1] vs [1, 1, 1]: P 1, R 1/3 -> 2 (1/3) / (4/3) = 0.5
    # class 1: predicted [1, 1, 1] vs [1, 0, 1]: P 2/3, R 1 -> 0.8
    # class 2: predicted [1, 1, 0] vs [1, 0, 0]: P 1/2, R 1 -> 2/3
    np.testing.assert_allclose(result_of(metrics.F1Score(threshold=0.5), (Y_TRUE, Y_PRED)),
                               [0.5, 0.8, 2 / 3], rtol=1e-5)
    # micro: TP 4, FP 2, FN 2 -> P = R = 2/3 -> 2/3; macro: (0.5 + 0.8 + 2/3) / 3
    assert result_of(metrics.F1Score(average="micro", threshold=0.5), (Y_TRUE, Y_PRED)) == pytest.approx(2 / 3, rel=1e-5)
    assert result_of(metrics.F1Score(average="macro", threshold=0.5), (Y_TRUE, Y_PRED)) == pytest.approx(
        (0.5 + 0.8 + 2 / 3) / 3, rel=1e-5)
    # weighted by support 3, 2, 1: (3 * 0.5 + 2 * 0.8 + 1 * 2/3) / 6
    assert result_of(metrics.F1Score(average="weighted", threshold=0.5), (Y_TRUE, Y_PRED)) == pytest.approx(
        (1.5 + 1.6 + 2 / 3) / 6, rel=1e-5)


@pytest.mark.parametrize("average", [None, "micro", "macro", "weighted"])
@pytest.mark.parametrize(("beta", "threshold"), [(1.0, None), (2.0, 0.4), (0.5, 0.7)])
def test_matches_per_class_loops(average, beta, threshold):
    metric = metrics.FBetaScore(average=average, beta=beta, threshold=threshold)
    result = result_of(metric, (MANY_TRUE[:5], MANY_PRED[:5], WEIGHTS[:5]), (MANY_TRUE[5:], MANY_PRED[5:], WEIGHTS[5:]))
    expected = f_beta_oracle(MANY_TRUE, MANY_PRED, WEIGHTS, beta, threshold, average)
    np.testing.assert_allclose(result, expected, rtol=1e-5, atol=1e-7)


def test_a_row_of_zeros_predicts_nothing():
    # threshold None picks each row's maximum, but an all-zero row must not pick every class
    result = result_of(metrics.F1Score(), ([[1, 0], [0, 1]], [[0.0, 0.0], [0.2, 0.9]]))
    # class 0: TP 0, FN 1 -> 0; class 1: TP 1 -> 1
    np.testing.assert_allclose(result, [0.0, 1.0], atol=1e-6)


def test_state_is_sized_by_the_first_batch_or_build():
    metric = metrics.F1Score(average="macro")
    assert not metric.built
    with pytest.raises(ValueError, match="build"):
        metric.initial_state()
    metric.build((None, 3), (None, 3))
    assert metric.built and ops.shape(metric.initial_state()["true_positives"]) == (3,)
    with pytest.raises(ValueError, match="built for 3"):
        metric.update_state(MANY_TRUE, MANY_PRED)
    assert metrics.F1Score(average="micro").built


def test_reset_and_invalid_arguments():
    metric = metrics.F1Score(threshold=0.5)
    metric.update_state(Y_TRUE, Y_PRED)
    metric.reset_state()
    np.testing.assert_array_equal(as_np(metric.result()), [0.0, 0.0, 0.0])
    with pytest.raises(ValueError, match="average"):
        metrics.F1Score(average="samples")
    with pytest.raises(ValueError, match="beta"):
        metrics.FBetaScore(beta=2)
    with pytest.raises(ValueError, match="threshold"):
        metrics.F1Score(threshold=1.5)
    with pytest.raises(ValueError, match=r"\(3,\).*\(3, 3\)"):
        metrics.F1Score().update_state([1, 0, 1], Y_PRED)
