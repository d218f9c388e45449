"""Crossentropies, focal loss, KL divergence and Poisson against hand values and Python loops."""

from __future__ import annotations

import math

import numpy as np
import pytest

from oneiros import losses, ops

EPS = 1e-7
RNG = np.random.default_rng(11)
BINARY_TRUE = RNG.integers(0, 2, size=(5, 4)).astype(np.float32)
PROBS = RNG.uniform(0.02, 0.98, size=(5, 4)).astype(np.float32)
LOGITS = RNG.normal(scale=3.0, size=(5, 4)).astype(np.float32)
CLASS_LABELS = np.array([0, 3, 1, 2, 3])
ONE_HOT = np.eye(4, dtype=np.float32)[CLASS_LABELS]
CLASS_PROBS = (PROBS / PROBS.sum(axis=1, keepdims=True)).astype(np.float32)


def as_np(x) -> np.ndarray:
    return np.asarray(ops.to_numpy(x), dtype=np.float64)


def clip(p, low=EPS, high=1 - EPS):
    return min(max(p, low), high)


def sigmoid(x):
    return 1 / (1 + math.exp(-x))


def bce_oracle(y_true, y_pred, from_logits=False, smoothing=0.0):
    rows = []
    for t_row, p_row in zip(y_true, y_pred):
        total = 0.0
        for t, p in zip(t_row, p_row):
            t = t * (1 - smoothing) + 0.5 * smoothing
            if from_logits:
                # stable form of -(t log s(x) + (1 - t) log(1 - s(x)))
                total += max(p, 0) - p * t + math.log1p(math.exp(-abs(p)))
            else:
                q = clip(p)
                total += -(t * math.log(q) + (1 - t) * math.log(1 - q))
        rows.append(total / len(t_row))
    return np.array(rows)


def focal_oracle(y_true, y_pred, gamma=2.0, alpha=0.25, balance=False, from_logits=False,
                 smoothing=0.0):
    rows = []
    for t_row, p_row in zip(y_true, y_pred):
        total = 0.0
        for t, x in zip(t_row, p_row):
            t = t * (1 - smoothing) + 0.5 * smoothing
            p = sigmoid(x) if from_logits else x
            q = clip(p)
            bce = -(t * math.log(q) + (1 - t) * math.log(1 - q))
            p_t = t * p + (1 - t) * (1 - p)
            term = (1 - p_t) ** gamma * bce
            if balance:
                term *= t * alpha + (1 - t) * (1 - alpha)
            total += term
        rows.append(total / len(t_row))
    return np.array(rows)


def cce_oracle(y_true, y_pred, from_logits=False, smoothing=0.0):
    rows = []
    for t_row, p_row in zip(y_true, y_pred):
        classes = len(t_row)
        if from_logits:
            top = max(p_row)
            log_norm = top + math.log(sum(math.exp(v - top) for v in p_row))
            log_probs = [v - log_norm for v in p_row]
        else:
            total = sum(p_row)
            log_probs = [math.log(clip(v / total)) for v in p_row]
        smoothed = [t * (1 - smoothing) + smoothing / classes for t in t_row]
        rows.append(-sum(t * lp for t, lp in zip(smoothed, log_probs)))
    return np.array(rows)


def kld_oracle(y_true, y_pred):
    return np.array([sum(clip(t, EPS, 1) * math.log(clip(t, EPS, 1) / clip(p, EPS, 1))
                         for t, p in zip(t_row, p_row)) for t_row, p_row in zip(y_true, y_pred)])


def poisson_oracle(y_true, y_pred):
    return np.array([sum(p - t * math.log(p + EPS) for t, p in zip(t_row, p_row)) / len(t_row)
                     for t_row, p_row in zip(y_true, y_pred)])


@pytest.mark.parametrize("from_logits", [False, True])
@pytest.mark.parametrize("smoothing", [0.0, 0.2])
def test_binary_crossentropy_matches_loop(from_logits, smoothing):
    y_pred = LOGITS if from_logits else PROBS
    loss = losses.BinaryCrossentropy(from_logits=from_logits, label_smoothing=smoothing,
                                     reduction=None)
    expected = bce_oracle(BINARY_TRUE, y_pred, from_logits, smoothing)
    np.testing.assert_allclose(as_np(loss(BINARY_TRUE, y_pred)), expected, rtol=1e-5, atol=1e-6)


def test_binary_crossentropy_hand_values():
    y_true, y_pred = [[0.0, 1.0], [0.0, 0.0]], [[0.6, 0.4], [0.4, 0.6]]
    # row 1: -log(0.4) twice = 0.916291; row 2: (-log(0.6) - log(0.4)) / 2 = 0.713558
    per_row = losses.binary_crossentropy(y_true, y_pred)
    np.testing.assert_allclose(as_np(per_row), [0.916291, 0.713558], rtol=1e-5)
    assert as_np(losses.BinaryCrossentropy()(y_true, y_pred)) == pytest.approx(0.814925, rel=1e-5)
    # smoothing 0.5 turns the labels into 0.25 / 0.75: -(0.25 log 0.5 + 0.75 log 0.5) = log 2
    smoothed = losses.BinaryCrossentropy(label_smoothing=0.5)([[0.0]], [[0.5]])
    assert as_np(smoothed) == pytest.approx(math.log(2), rel=1e-6)


def test_binary_crossentropy_from_logits_is_stable_for_large_logits():
    # label 0, logit 100: loss = softplus(100) = 100 (no log(0))
    assert as_np(losses.BinaryCrossentropy(from_logits=True)([[0.0]], [[100.0]])) == pytest.approx(100.0)


def test_binary_crossentropy_axis_0_averages_over_rows():
    y_true, y_pred = BINARY_TRUE, PROBS
    per_column = losses.BinaryCrossentropy(axis=0, reduction=None)(y_true, y_pred)
    np.testing.assert_allclose(as_np(per_column), bce_oracle(y_true.T, y_pred.T), rtol=1e-5)


@pytest.mark.parametrize(("options", "y_pred"), [
    ({}, PROBS),
    ({"gamma": 0.5}, PROBS),
    ({"apply_class_balancing": True, "alpha": 0.3}, PROBS),
    ({"from_logits": True}, LOGITS),
    ({"label_smoothing": 0.1, "apply_class_balancing": True}, PROBS),
], ids=["default", "gamma", "balanced", "logits", "smoothing"])
def test_binary_focal_crossentropy_matches_loop(options, y_pred):
    oracle_options = {"gamma": options.get("gamma", 2.0), "alpha": options.get("alpha", 0.25),
                      "balance": options.get("apply_class_balancing", False),
                      "from_logits": options.get("from_logits", False),
                      "smoothing": options.get("label_smoothing", 0.0)}
    loss = losses.BinaryFocalCrossentropy(reduction=None, **options)
    np.testing.assert_allclose(as_np(loss(BINARY_TRUE, y_pred)),
                               focal_oracle(BINARY_TRUE, y_pred, **oracle_options), rtol=1e-5, atol=1e-6)


def test_binary_focal_crossentropy_hand_values():
    y_true, y_pred = [[0.0, 1.0], [0.0, 0.0]], [[0.6, 0.4], [0.4, 0.6]]
    # row 1: both p_t = 0.4: 0.6**2 * 0.916291 = 0.329865
    # row 2: p_t 0.6 and 0.4: (0.4**2 * 0.510826 + 0.6**2 * 0.916291) / 2 = 0.205799
    per_row = losses.binary_focal_crossentropy(y_true, y_pred, gamma=2.0)
    np.testing.assert_allclose(as_np(per_row), [0.329865, 0.205799], rtol=1e-5)
    # gamma 0 is plain binary crossentropy
    np.testing.assert_allclose(as_np(losses.binary_focal_crossentropy(y_true, y_pred, gamma=0.0)),
                               [0.916291, 0.713558], rtol=1e-5)


@pytest.mark.parametrize("from_logits", [False, True])
@pytest.mark.parametrize("smoothing", [0.0, 0.1])
def test_categorical_crossentropy_matches_loop(from_logits, smoothing):
    y_pred = LOGITS if from_logits else CLASS_PROBS
    loss = losses.CategoricalCrossentropy(from_logits=from_logits, label_smoothing=smoothing,
                                          reduction=None)
    np.testing.assert_allclose(as_np(loss(ONE_HOT, y_pred)),
                               cce_oracle(ONE_HOT, y_pred, from_logits, smoothing), rtol=1e-5, atol=1e-6)


def test_categorical_crossentropy_hand_values():
    y_true = [[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]
    y_pred = [[0.05, 0.95, 0.0], [0.1, 0.8, 0.1]]
    # -log(0.95) = 0.051293, -log(0.1) = 2.302585; mean 1.176939
    np.testing.assert_allclose(as_np(losses.categorical_crossentropy(y_true, y_pred)),
                               [0.051293, 2.302585], rtol=1e-5)
    assert as_np(losses.CategoricalCrossentropy()(y_true, y_pred)) == pytest.approx(1.176939, rel=1e-5)
    # unnormalized probabilities are renormalized: [2, 2] is [0.5, 0.5] -> log 2
    assert as_np(losses.CategoricalCrossentropy()([[1.0, 0.0]], [[2.0, 2.0]])) == pytest.approx(math.log(2))


def test_categorical_crossentropy_along_axis_0():
    per_column = losses.CategoricalCrossentropy(axis=0, reduction=None)(ONE_HOT.T, CLASS_PROBS.T)
    np.testing.assert_allclose(as_np(per_column), cce_oracle(ONE_HOT, CLASS_PROBS), rtol=1e-5)


@pytest.mark.parametrize("from_logits", [False, True])
@pytest.mark.parametrize("label_shape", ["flat", "column"])
def test_sparse_categorical_crossentropy_equals_the_one_hot_loop(from_logits, label_shape):
    y_pred = LOGITS if from_logits else CLASS_PROBS
    labels = CLASS_LABELS if label_shape == "flat" else CLASS_LABELS[:, None]
    loss = losses.SparseCategoricalCrossentropy(from_logits=from_logits, reduction=None)
    np.testing.assert_allclose(as_np(loss(labels, y_pred)), cce_oracle(ONE_HOT, y_pred, from_logits),
                               rtol=1e-5, atol=1e-6)


def test_sparse_categorical_crossentropy_ignore_class():
    y_pred = [[0.05, 0.95, 0.0], [0.1, 0.8, 0.1], [0.3, 0.3, 0.4]]
    labels = [1, -1, 2]
    # valid rows: -log(0.95) = 0.051293 and -log(0.4) = 0.916291; the ignored row gives 0
    none = losses.SparseCategoricalCrossentropy(ignore_class=-1, reduction=None)(labels, y_pred)
    np.testing.assert_allclose(as_np(none), [0.051293, 0.0, 0.916291], rtol=1e-5)
    # the mean is over the 2 valid rows: (0.051293 + 0.916291) / 2 = 0.483792
    mean = losses.SparseCategoricalCrossentropy(ignore_class=-1)(labels, y_pred)
    assert as_np(mean) == pytest.approx(0.483792, rel=1e-5)
    total = losses.SparseCategoricalCrossentropy(ignore_class=-1, reduction="sum")(labels, y_pred)
    assert as_np(total) == pytest.approx(0.967584, rel=1e-5)
    # weights 2, 5, 1 with the ignored row dropped: (2 * 0.051293 + 0.916291) / (2 + 1)
    weighted = losses.SparseCategoricalCrossentropy(ignore_class=-1, reduction="mean_with_sample_weight")(
        labels, y_pred, sample_weight=[2.0, 5.0, 1.0])
    assert as_np(weighted) == pytest.approx((2 * 0.051293 + 0.916291) / 3, rel=1e-5)


def test_sparse_categorical_crossentropy_per_timestep():
    # (batch, steps, classes) scores with (batch, steps) labels: one loss per step
    y_pred = RNG.uniform(0.1, 1.0, size=(2, 3, 4)).astype(np.float32)
    labels = np.array([[0, 1, 2], [3, 3, 0]])
    per_step = losses.SparseCategoricalCrossentropy(reduction=None)(labels, y_pred)
    expected = cce_oracle(np.eye(4)[labels].reshape(6, 4), y_pred.reshape(6, 4)).reshape(2, 3)
    np.testing.assert_allclose(as_np(per_step), expected, rtol=1e-5)


def test_kl_divergence_and_poisson():
    y_true, y_pred = [[0.0, 1.0], [0.0, 0.0]], [[0.6, 0.4], [0.4, 0.6]]
    # row 1: 1 * log(1 / 0.4) = 0.916291 (the 0 label is clipped to 1e-7 and adds ~-1.3e-6);
    # row 2: two clipped labels add about -2.9e-6. Mean about 0.458
    assert as_np(losses.KLDivergence()(y_true, y_pred)) == pytest.approx(0.458, abs=1e-3)
    np.testing.assert_allclose(as_np(losses.kl_divergence(CLASS_PROBS[::-1], CLASS_PROBS)),
                               kld_oracle(CLASS_PROBS[::-1], CLASS_PROBS), rtol=1e-5, atol=1e-6)
    # row 1: (1 - 0) + (1 - 1 * log(1 + 1e-7)) = 2, / 2 = 1; row 2: 0. Mean 0.5
    assert as_np(losses.Poisson()([[0.0, 1.0], [0.0, 0.0]], [[1.0, 1.0], [0.0, 0.0]])) == (
        pytest.approx(0.5, rel=1e-6))
    np.testing.assert_allclose(as_np(losses.poisson(BINARY_TRUE, PROBS)), poisson_oracle(BINARY_TRUE, PROBS),
                               rtol=1e-5)
