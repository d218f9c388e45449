"""Mean, Sum and MeanMetricWrapper: weighting, accumulation across batches, reset."""

from __future__ import annotations

import numpy as np
import pytest

from oneiros import losses, metrics, ops


def as_np(x) -> np.ndarray:
    return np.asarray(ops.to_numpy(x), dtype=np.float64)


def test_mean_hand_values():
    mean = metrics.Mean()
    mean.update_state([1.0, 3.0, 5.0, 7.0])
    assert as_np(mean.result()) == pytest.approx(4.0)  # 16 / 4
    mean.reset_state()
    mean.update_state([1.0, 3.0, 5.0, 7.0], sample_weight=[1.0, 1.0, 0.0, 0.0])
    assert as_np(mean.result()) == pytest.approx(2.0)  # (1 + 3) / 2


def test_mean_accumulates_across_batches_and_resets():
    mean = metrics.Mean()
    mean.update_state([1.0, 3.0])
    mean.update_state([5.0, 7.0, 9.0])
    assert as_np(mean.result()) == pytest.approx(5.0)  # 25 / 5
    mean.update_state([2.0], sample_weight=[5.0])
    assert as_np(mean.result()) == pytest.approx(35 / 10)  # (25 + 2 * 5) / (5 + 5)
    mean.reset_state()
    assert as_np(mean.result()) == 0.0  # no values: 0 / 0 reads as 0


def test_mean_of_rows_with_per_sample_weights():
    values = np.array([[1.0, 2.0, 3.0], [10.0, 20.0, 30.0]], np.float32)
    mean = metrics.Mean()
    # row means 2 and 20, weights 3 and 1: (6 + 20) / 4
    mean.update_state(values, sample_weight=[3.0, 1.0])
    assert as_np(mean.result()) == pytest.approx(26 / 4)
    # elementwise weights: (1*1 + 2*0 + 3*1 + 10*0 + 20*0 + 30*2) / (1 + 0 + 1 + 0 + 0 + 2)
    mean.reset_state()
    mean.update_state(values, sample_weight=[[1.0, 0.0, 1.0], [0.0, 0.0, 2.0]])
    assert as_np(mean.result()) == pytest.approx(64 / 4)


def test_mean_of_a_scalar_with_a_scalar_weight():
    mean = metrics.Mean()
    mean.update_state(3.0, sample_weight=2.0)
    mean.update_state(6.0)
    assert as_np(mean.result()) == pytest.approx((3 * 2 + 6) / 3)


def test_sum():
    total = metrics.Sum()
    total.update_state([1.0, 3.0, 5.0, 7.0])
    assert as_np(total.result()) == pytest.approx(16.0)
    total.update_state([1.0, 3.0, 5.0, 7.0], sample_weight=[1.0, 1.0, 0.0, 0.0])
    assert as_np(total.result()) == pytest.approx(20.0)  # 16 + 1 + 3


def test_mean_metric_wrapper_of_a_function():
    def absolute_difference(y_true, y_pred, scale):
        return ops.multiply(ops.abs(ops.subtract(y_true, y_pred)), scale)

    metric = metrics.MeanMetricWrapper(absolute_difference, name="scaled", scale=2.0)
    metric.update_state([1.0, 2.0], [2.0, 4.0])  # 2 * [1, 2]
    metric.update_state([0.0], [3.0], sample_weight=[2.0])  # 2 * 3, weight 2
    # (2 + 4 + 6 * 2) / (1 + 1 + 2)
    assert as_np(metric.result()) == pytest.approx(18 / 4)
    assert metric.name == "scaled"


def test_mean_metric_wrapper_config_names_registered_functions():
    metric = metrics.MeanMetricWrapper(losses.huber, name="h", delta=0.5)
    config = metric.get_config()
    assert config == {"name": "h", "dtype": "float32", "fn": "core>huber", "delta": 0.5}
    clone = metrics.MeanMetricWrapper.from_config(config)
    assert clone._fn is losses.huber
    clone.update_state([[0.0, 0.0]], [[0.2, 2.0]])
    # huber with delta 0.5: 0.5 * 0.04 = 0.02 and 0.5 * 2 - 0.125 = 0.875, mean 0.4475
    assert as_np(clone.result()) == pytest.approx(0.4475)


def test_update_is_pure():
    mean = metrics.Mean()
    state = mean.initial_state()
    first = mean.update(state, [1.0, 2.0])
    again = mean.update(state, [1.0, 2.0])
    assert as_np(state["total"]) == 0.0 and as_np(state["count"]) == 0.0
    assert as_np(mean.compute(first)) == as_np(mean.compute(again)) == pytest.approx(1.5)
    assert mean.state is None


def test_weights_that_do_not_fit_are_refused():
    with pytest.raises(ValueError, match=r"mean.*\(3,\).*\(2,\)"):
        metrics.Mean().update_state([1.0, 2.0], sample_weight=[1.0, 1.0, 1.0])
