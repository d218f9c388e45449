"""Hinge losses against hand-computed values and Python loops."""

from __future__ import annotations

import numpy as np
import pytest

from oneiros import losses, ops

RNG = np.random.default_rng(3)
SIGNED = RNG.choice([-1.0, 1.0], size=(4, 3)).astype(np.float32)
SCORES = RNG.normal(size=(4, 3)).astype(np.float32)
ONE_HOT = np.eye(3, dtype=np.float32)[[0, 2, 1, 1]]


def as_np(x) -> np.ndarray:
    return np.asarray(ops.to_numpy(x), dtype=np.float64)


def hinge_oracle(y_true, y_pred, power=1):
    return np.array([sum(max(1 - t * p, 0) ** power for t, p in zip(t_row, p_row)) / len(t_row)
                     for t_row, p_row in zip(y_true, y_pred)])


def categorical_hinge_oracle(y_true, y_pred):
    rows = []
    for t_row, p_row in zip(y_true, y_pred):
        positive = sum(t * p for t, p in zip(t_row, p_row))
        negative = max((1 - t) * p for t, p in zip(t_row, p_row))
        rows.append(max(negative - positive + 1, 0))
    return np.array(rows)


def test_hinge_and_squared_hinge_match_loops():
    np.testing.assert_allclose(as_np(losses.Hinge(reduction=None)(SIGNED, SCORES)),
                               hinge_oracle(SIGNED, SCORES), rtol=1e-6)
    np.testing.assert_allclose(as_np(losses.SquaredHinge(reduction=None)(SIGNED, SCORES)),
                               hinge_oracle(SIGNED, SCORES, power=2), rtol=1e-6)


def test_binary_labels_are_mapped_to_signs():
    zero_one = (SIGNED + 1) / 2
    np.testing.assert_allclose(as_np(losses.hinge(zero_one, SCORES)), hinge_oracle(SIGNED, SCORES), rtol=1e-6)


def test_hinge_hand_values():
    # labels 0/1 become -1/1: max(1 - (-1)(0.6), 0) = 1.6, max(1 - 0.4, 0) = 0.6 -> mean 1.1
    assert as_np(losses.Hinge()([[0.0, 1.0]], [[0.6, 0.4]])) == pytest.approx(1.1)
    # squares: 2.56 and 0.36 -> mean 1.46
    assert as_np(losses.SquaredHinge()([[0.0, 1.0]], [[0.6, 0.4]])) == pytest.approx(1.46)


def test_categorical_hinge():
    np.testing.assert_allclose(as_np(losses.CategoricalHinge(reduction=None)(ONE_HOT, SCORES)),
                               categorical_hinge_oracle(ONE_HOT, SCORES), rtol=1e-6)
    # pos = 0.4, neg = max(0.6, 0) = 0.6: max(0.6 - 0.4 + 1, 0) = 1.2
    assert as_np(losses.categorical_hinge([[0.0, 1.0]], [[0.6, 0.4]])) == pytest.approx([1.2])
