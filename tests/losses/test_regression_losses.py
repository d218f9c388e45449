"""Regression losses against hand-computed values and per-row numpy loops."""

from __future__ import annotations

import math

import numpy as np
import pytest

from oneiros import losses, ops

RNG = np.random.default_rng(7)
Y_TRUE = RNG.uniform(0.1, 2.0, size=(6, 5)).astype(np.float32)
Y_PRED = RNG.uniform(0.1, 2.0, size=(6, 5)).astype(np.float32)


def as_np(x) -> np.ndarray:
    return np.asarray(ops.to_numpy(x), dtype=np.float64)


def per_row(fn, y_true, y_pred):
    """Applies a scalar oracle ``fn(true_row, pred_row)`` to every row, with Python loops."""
    return np.array([fn([float(v) for v in t], [float(v) for v in p])
                     for t, p in zip(y_true, y_pred)])


def mse_row(t, p):
    return sum((a - b) ** 2 for a, b in zip(t, p)) / len(t)


def mae_row(t, p):
    return sum(abs(a - b) for a, b in zip(t, p)) / len(t)


def mape_row(t, p):
    return 100 * sum(abs((a - b) / max(abs(a), 1e-7)) for a, b in zip(t, p)) / len(t)


def msle_row(t, p):
    return sum((math.log(max(b, 1e-7) + 1) - math.log(max(a, 1e-7) + 1)) ** 2
               for a, b in zip(t, p)) / len(t)


def huber_row(t, p, delta=1.0):
    total = 0.0
    for a, b in zip(t, p):
        error = abs(b - a)
        total += 0.5 * error ** 2 if error <= delta else delta * error - 0.5 * delta ** 2
    return total / len(t)


def log_cosh_row(t, p):
    return sum(math.log(math.cosh(b - a)) for a, b in zip(t, p)) / len(t)


def cosine_row(t, p):
    dot = sum(a * b for a, b in zip(t, p))
    norms = math.sqrt(sum(a * a for a in t)) * math.sqrt(sum(b * b for b in p))
    return -dot / norms


ORACLES = [
    (losses.MeanSquaredError, {}, mse_row),
    (losses.MeanAbsoluteError, {}, mae_row),
    (losses.MeanAbsolutePercentageError, {}, mape_row),
    (losses.MeanSquaredLogarithmicError, {}, msle_row),
    (losses.Huber, {}, huber_row),
    (losses.Huber, {"delta": 0.3}, lambda t, p: huber_row(t, p, 0.3)),
    (losses.LogCosh, {}, log_cosh_row),
    (losses.CosineSimilarity, {}, cosine_row),
]


@pytest.mark.parametrize(("cls", "kwargs", "oracle"), ORACLES,
                         ids=[f"{c.__name__}{k}" for c, k, _ in ORACLES])
def test_per_sample_losses_match_row_loops(cls, kwargs, oracle):
    expected = per_row(oracle, Y_TRUE, Y_PRED)
    per_sample = cls(reduction=None, **kwargs)(Y_TRUE, Y_PRED)
    np.testing.assert_allclose(as_np(per_sample), expected, rtol=2e-5, atol=1e-6)
    np.testing.assert_allclose(as_np(cls(**kwargs)(Y_TRUE, Y_PRED)), expected.mean(), rtol=2e-5)


def test_hand_computed_values():
    # Keras's docstring example: ((1-.9)**2 + (0-.1)**2 + (1-.8)**2) / 3 = 0.06 / 3 = 0.02
    assert as_np(losses.MeanSquaredError()([1.0, 0.0, 1.0], [0.9, 0.1, 0.8])) == pytest.approx(0.02)
    y_true, y_pred = [[0.0, 1.0], [0.0, 0.0]], [[1.0, 1.0], [1.0, 0.0]]
    # rows: (1 + 0) / 2 = 0.5 and (1 + 0) / 2 = 0.5; mean 0.5
    assert as_np(losses.MeanSquaredError()(y_true, y_pred)) == pytest.approx(0.5)
    assert as_np(losses.MeanAbsoluteError()(y_true, y_pred)) == pytest.approx(0.5)
    # |2-1|/2 = 0.5, |4-5|/4 = 0.25 -> 100 * 0.375
    assert as_np(losses.MeanAbsolutePercentageError()([[2.0, 4.0]], [[1.0, 5.0]])) == pytest.approx(37.5)
    # (log 2 - log(1 + 1e-7))**2 and 0, averaged: about (log 2)**2 / 2 = 0.2402265
    assert as_np(losses.MeanSquaredLogarithmicError()([[0.0, 1.0]], [[1.0, 1.0]])) == pytest.approx(
        0.2402265, rel=1e-5)
    # errors 0.5 and 2: 0.5 * 0.25 = 0.125 and 1 * 2 - 0.5 = 1.5, mean 0.8125
    assert as_np(losses.Huber()([[0.0, 0.0]], [[0.5, 2.0]])) == pytest.approx(0.8125)
    # with delta 2.5 both are quadratic: 0.125 and 0.5 * 4 = 2, mean 1.0625
    assert as_np(losses.Huber(delta=2.5)([[0.0, 0.0]], [[0.5, 2.0]])) == pytest.approx(1.0625)
    # log(cosh(1)) = 0.4337808 and log(cosh(0)) = 0, mean 0.2168904
    assert as_np(losses.LogCosh()([[0.0, 0.0]], [[1.0, 0.0]])) == pytest.approx(0.2168904, rel=1e-6)
    # cos([0,1],[1,0]) = 0 and cos([1,1],[1,1]) = 1 -> losses -0 and -1, mean -0.5
    assert as_np(losses.CosineSimilarity()([[0.0, 1.0], [1.0, 1.0]], [[1.0, 0.0], [1.0, 1.0]])) == (
        pytest.approx(-0.5))


def test_log_cosh_is_finite_for_large_errors():
    # log(cosh(100)) = 100 - log 2 (cosh itself overflows float32)
    result = as_np(losses.LogCosh()([[0.0]], [[100.0]]))
    assert result == pytest.approx(100.0 - math.log(2.0), rel=1e-6)


def test_cosine_similarity_of_a_zero_vector_is_zero():
    assert as_np(losses.CosineSimilarity()([[0.0, 0.0]], [[1.0, 2.0]])) == pytest.approx(0.0)


def test_cosine_similarity_along_axis_0():
    y_true = np.array([[1.0, 0.0], [1.0, 1.0]], np.float32)
    y_pred = np.array([[2.0, 1.0], [2.0, 0.0]], np.float32)
    # columns: [1,1].[2,2] -> cos 1; [0,1].[1,0] -> cos 0; losses [-1, -0]
    per_column = losses.CosineSimilarity(axis=0, reduction=None)(y_true, y_pred)
    np.testing.assert_allclose(as_np(per_column), [-1.0, 0.0], atol=1e-6)


def test_function_forms_return_per_sample_values():
    expected = per_row(mse_row, Y_TRUE, Y_PRED)
    np.testing.assert_allclose(as_np(losses.mean_squared_error(Y_TRUE, Y_PRED)), expected, rtol=2e-5)
    np.testing.assert_allclose(as_np(losses.mse(Y_TRUE, Y_PRED)), expected, rtol=2e-5)
    np.testing.assert_allclose(as_np(losses.huber(Y_TRUE, Y_PRED, delta=0.3)),
                               per_row(lambda t, p: huber_row(t, p, 0.3), Y_TRUE, Y_PRED), rtol=2e-5)


def test_labels_of_shape_n_1_match_predictions_of_shape_n():
    # Keras's rank rule: (3, 1) against (3,) compares element by element: errors 0, 1, 2
    per_sample = losses.MeanSquaredError(reduction=None)([[1.0], [2.0], [3.0]], [1.0, 1.0, 1.0])
    np.testing.assert_allclose(as_np(per_sample), [0.0, 1.0, 4.0])


def test_integer_inputs_are_promoted_to_float():
    assert as_np(losses.mean_absolute_error([[1, 2]], [[2, 4]])) == pytest.approx([1.5])
