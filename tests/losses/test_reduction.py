"""Reductions and sample weights of ``Loss.__call__``, checked by hand-computed sums."""

from __future__ import annotations

import numpy as np
import pytest

from oneiros import losses, ops
from oneiros.errors import OpError

# MAE of zeros against [[1], [2], [3], [4]]: per-sample losses 1, 2, 3, 4
Y_TRUE = np.zeros((4, 1), np.float32)
Y_PRED = np.array([[1.0], [2.0], [3.0], [4.0]], np.float32)
WEIGHTS = [1.0, 0.0, 2.0, 3.0]
# weighted losses 1, 0, 6, 12: sum 19, 4 samples, weights sum 6


def as_np(x) -> np.ndarray:
    return np.asarray(ops.to_numpy(x), dtype=np.float64)


@pytest.mark.parametrize(("reduction", "unweighted", "weighted"), [
    ("sum_over_batch_size", 10 / 4, 19 / 4),
    ("mean", 10 / 4, 19 / 4),
    ("sum", 10.0, 19.0),
    ("mean_with_sample_weight", 10 / 4, 19 / 6),
    ("none", [1.0, 2.0, 3.0, 4.0], [1.0, 0.0, 6.0, 12.0]),
    (None, [1.0, 2.0, 3.0, 4.0], [1.0, 0.0, 6.0, 12.0]),
])
def test_reductions(reduction, unweighted, weighted):
    loss = losses.MeanAbsoluteError(reduction=reduction)
    np.testing.assert_allclose(as_np(loss(Y_TRUE, Y_PRED)), unweighted, rtol=1e-6)
    np.testing.assert_allclose(as_np(loss(Y_TRUE, Y_PRED, sample_weight=WEIGHTS)), weighted, rtol=1e-6)


@pytest.mark.parametrize("weights", [np.array(WEIGHTS), np.array(WEIGHTS)[:, None]],
                         ids=["(4,)", "(4,1)"])
def test_per_sample_weight_shapes(weights):
    assert as_np(losses.MeanAbsoluteError()(Y_TRUE, Y_PRED, sample_weight=weights)) == pytest.approx(19 / 4)


def test_scalar_weight_scales_the_loss():
    # 2 * 10 / 4
    assert as_np(losses.MeanAbsoluteError()(Y_TRUE, Y_PRED, sample_weight=2.0)) == pytest.approx(5.0)


def test_per_sample_weights_apply_to_per_timestep_losses():
    # (2, 3, 1) targets give per-step losses (2, 3): [[0, 1, 2], [3, 4, 5]]
    y_true = np.zeros((2, 3, 1), np.float32)
    y_pred = np.arange(6, dtype=np.float32).reshape(2, 3, 1)
    loss = losses.MeanAbsoluteError()
    # weights 1 and 2 per sample: (0 + 1 + 2) * 1 + (3 + 4 + 5) * 2 = 27, over 6 values
    assert as_np(loss(y_true, y_pred, sample_weight=[1.0, 2.0])) == pytest.approx(27 / 6)
    # per-step weights: only step 0 and 2 of sample 1 count: 3 + 5 = 8, over 6 values
    step_weights = [[0.0, 0.0, 0.0], [1.0, 0.0, 1.0]]
    assert as_np(loss(y_true, y_pred, sample_weight=step_weights)) == pytest.approx(8 / 6)
    # mean_with_sample_weight divides by the weights broadcast over steps: 27 / (3 * 1 + 3 * 2)
    weighted_mean = losses.MeanAbsoluteError(reduction="mean_with_sample_weight")
    assert as_np(weighted_mean(y_true, y_pred, sample_weight=[1.0, 2.0])) == pytest.approx(27 / 9)


def test_zero_weights_with_mean_with_sample_weight_give_zero():
    loss = losses.MeanAbsoluteError(reduction="mean_with_sample_weight")
    assert as_np(loss(Y_TRUE, Y_PRED, sample_weight=[0.0, 0.0, 0.0, 0.0])) == 0.0


def test_weights_that_do_not_fit_are_refused_before_computing():
    with pytest.raises(ValueError) as info:
        losses.MeanAbsoluteError(name="my_mae")(Y_TRUE, Y_PRED, sample_weight=[1.0, 2.0, 3.0])
    assert not isinstance(info.value, OpError)
    message = str(info.value)
    assert "my_mae" in message and "(3,)" in message and "(4,)" in message


def test_invalid_reduction_is_refused():
    with pytest.raises(ValueError, match="sum_over_batch_size"):
        losses.MeanSquaredError(reduction="average")


def test_loss_dtype_must_be_float():
    with pytest.raises(ValueError, match="float"):
        losses.MeanSquaredError(dtype="int32")
    assert ops.dtype(losses.MeanSquaredError(dtype="float16")([[1.0]], [[0.5]])) == "float16"


def test_custom_loss_subclass():
    class Cubed(losses.Loss):
        def call(self, y_true, y_pred):
            return ops.mean(ops.power(ops.abs(ops.subtract(y_pred, y_true)), 3.0), axis=-1)

    loss = Cubed()
    assert loss.name == "cubed"
    # |1|**3, |2|**3, |3|**3, |4|**3 = 1, 8, 27, 64 -> 100 / 4
    assert as_np(loss(Y_TRUE, Y_PRED)) == pytest.approx(25.0)
    assert Cubed.from_config(loss.get_config()).get_config() == loss.get_config()
