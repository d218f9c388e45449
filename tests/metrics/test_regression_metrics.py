"""Regression metrics and R2 against hand values and Python loops over weighted batches."""

from __future__ import annotations

import math

import numpy as np
import pytest

from oneiros import metrics, ops

RNG = np.random.default_rng(43)
Y_TRUE = RNG.uniform(0.5, 3.0, size=(9, 3)).astype(np.float32)
Y_PRED = (Y_TRUE + RNG.normal(scale=0.4, size=(9, 3))).astype(np.float32)
WEIGHTS = RNG.uniform(0.1, 2.0, size=(9,)).astype(np.float32)
BATCHES = [slice(0, 4), slice(4, 9)]


def as_np(x) -> np.ndarray:
    return np.asarray(ops.to_numpy(x), dtype=np.float64)


def accumulate(metric, y_true=Y_TRUE, y_pred=Y_PRED, weights=WEIGHTS):
    for batch in BATCHES:
        metric.update_state(y_true[batch], y_pred[batch], None if weights is None else weights[batch])
    return as_np(metric.result())


def weighted_row_mean(row_fn, y_true=Y_TRUE, y_pred=Y_PRED, weights=WEIGHTS):
    rows = [row_fn([float(v) for v in t], [float(v) for v in p]) for t, p in zip(y_true, y_pred)]
    return sum(r * w for r, w in zip(rows, weights)) / sum(weights)


ROW_ORACLES = [
    (metrics.MeanSquaredError, lambda t, p: sum((a - b) ** 2 for a, b in zip(t, p)) / len(t)),
    (metrics.MeanAbsoluteError, lambda t, p: sum(abs(a - b) for a, b in zip(t, p)) / len(t)),
    (metrics.MeanAbsolutePercentageError,
     lambda t, p: 100 * sum(abs((a - b) / a) for a, b in zip(t, p)) / len(t)),
    (metrics.MeanSquaredLogarithmicError,
     lambda t, p: sum((math.log1p(max(b, 1e-7)) - math.log1p(a)) ** 2 for a, b in zip(t, p)) / len(t)),
    (metrics.LogCoshError, lambda t, p: sum(math.log(math.cosh(b - a)) for a, b in zip(t, p)) / len(t)),
    (metrics.CosineSimilarity, lambda t, p: sum(a * b for a, b in zip(t, p)) / (
        math.sqrt(sum(a * a for a in t)) * math.sqrt(sum(b * b for b in p)))),
]


@pytest.mark.parametrize(("cls", "row_fn"), ROW_ORACLES, ids=[cls.__name__ for cls, _ in ROW_ORACLES])
def test_weighted_means_over_batches(cls, row_fn):
    assert accumulate(cls()) == pytest.approx(weighted_row_mean(row_fn), rel=2e-5)


def test_root_mean_squared_error():
    def squared(t, p):
        return sum((a - b) ** 2 for a, b in zip(t, p)) / len(t)

    assert accumulate(metrics.RootMeanSquaredError()) == pytest.approx(
        math.sqrt(weighted_row_mean(squared)), rel=2e-5)
    # Keras's example: errors [[0, 1], [0, 0]] -> mean squared 0.25 -> 0.5
    metric = metrics.RootMeanSquaredError()
    metric.update_state([[0, 1], [0, 0]], [[1, 1], [0, 0]])
    assert as_np(metric.result()) == pytest.approx(0.5)


def test_hand_values():
    metric = metrics.MeanSquaredError()
    metric.update_state([[0, 1], [0, 0]], [[1, 1], [0, 0]])
    assert as_np(metric.result()) == pytest.approx(0.25)  # rows 0.5 and 0 -> 0.25
    metric.update_state([[2.0, 2.0]], [[0.0, 0.0]], sample_weight=[2.0])
    assert as_np(metric.result()) == pytest.approx((0.5 + 0 + 4 * 2) / 4)  # row 3: 4, weight 2
    cosine = metrics.CosineSimilarity()
    cosine.update_state([[0.0, 1.0], [1.0, 1.0]], [[1.0, 0.0], [1.0, 1.0]])
    assert as_np(cosine.result()) == pytest.approx(0.5)  # cosines 0 and 1


def r2_oracle(y_true, y_pred, weights, aggregation="uniform_average", regressors=0):
    scores, totals = [], []
    for column in range(y_true.shape[1]):
        t, p = y_true[:, column].astype(np.float64), y_pred[:, column].astype(np.float64)
        mean = sum(weights * t) / sum(weights)
        residual = sum(weights * (t - p) ** 2)
        total = sum(weights * (t - mean) ** 2)
        scores.append(1 - residual / total)
        totals.append(total)
    scores, totals = np.array(scores), np.array(totals)
    if aggregation is None:
        score = scores
    elif aggregation == "uniform_average":
        score = scores.mean()
    else:
        score = np.sum(scores * totals) / np.sum(totals)
    if regressors:
        n = y_true.size  # Keras counts every entry
        score = 1 - (1 - score) * (n - 1) / (n - regressors - 1)
    return score


@pytest.mark.parametrize("aggregation", [None, "uniform_average", "variance_weighted_average"])
@pytest.mark.parametrize("weighted", [False, True])
def test_r2_score(aggregation, weighted):
    weights = WEIGHTS if weighted else None
    result = accumulate(metrics.R2Score(class_aggregation=aggregation), weights=weights)
    expected = r2_oracle(Y_TRUE, Y_PRED, WEIGHTS if weighted else np.ones(9), aggregation)
    np.testing.assert_allclose(result, expected, rtol=1e-4)


def test_adjusted_r2_score_and_its_fallback():
    result = accumulate(metrics.R2Score(num_regressors=2), weights=None)
    assert result == pytest.approx(r2_oracle(Y_TRUE, Y_PRED, np.ones(9), regressors=2), rel=1e-4)
    # 27 entries: 26 regressors leave no degree of freedom, so the plain score is returned
    plain = accumulate(metrics.R2Score(), weights=None)
    assert accumulate(metrics.R2Score(num_regressors=26), weights=None) == pytest.approx(plain, rel=1e-6)


def test_r2_score_hand_value_for_one_output():
    # Keras's example: y = [1, 4, 3], y_hat = [2, 4, 4]: SS_res = 1 + 0 + 1 = 2,
    # mean 8/3, SS_tot = 25/9 + 16/9 + 1/9 = 42/9 -> 1 - 2 / (42/9) = 0.5714286
    metric = metrics.R2Score()
    metric.update_state([[1.0], [4.0], [3.0]], [[2.0], [4.0], [4.0]])
    assert as_np(metric.result()) == pytest.approx(0.5714286, rel=1e-6)
    flat = metrics.R2Score()
    flat.update_state([1.0, 4.0, 3.0], [2.0, 4.0, 4.0])
    assert as_np(flat.result()) == pytest.approx(0.5714286, rel=1e-6)


def test_r2_score_needs_its_output_count():
    metric = metrics.R2Score()
    assert not metric.built
    with pytest.raises(ValueError, match="build"):
        metric.initial_state()
    with pytest.raises(ValueError, match="r2_score"):
        metric.result()
    metric.update_state(Y_TRUE, Y_PRED)
    with pytest.raises(ValueError, match=r"\(9, 2\)"):
        metric.update_state(Y_TRUE[:, :2], Y_PRED[:, :2])
    with pytest.raises(ValueError, match="class_aggregation"):
        metrics.R2Score(class_aggregation="mean")
