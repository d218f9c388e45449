"""Gradient clipping, decoupled weight decay, None gradients and learning-rate changes, checked
against values computed by hand (SGD with lr=1 turns each update into the clipped gradient)."""

from __future__ import annotations

import numpy as np
import pytest

import oneiros
from oneiros import optimizers

F32 = np.float32


def arrays(*values):
    return [np.array(value, dtype=F32) for value in values]


def test_clipnorm_clips_each_variable_by_its_own_norm(stepper):
    runner = stepper(optimizers.SGD(learning_rate=1.0, clipnorm=1.0), arrays([0, 0], [[0, 0], [0, 0]]))
    first, second = runner.step(arrays([3, 4], [[0.3, 0], [0, 0.4]]))
    np.testing.assert_allclose(first, [-0.6, -0.8], rtol=1e-6)  # norm 5 -> 1
    np.testing.assert_allclose(second, [[-0.3, 0], [0, -0.4]], rtol=1e-6)  # norm 0.5 kept


def test_global_clipnorm_scales_all_variables_together(stepper):
    runner = stepper(optimizers.SGD(learning_rate=1.0, global_clipnorm=1.0), arrays([0, 0], [[0, 0], [0, 0]]))
    first, second = runner.step(arrays([3, 4], [[0, 0], [12, 0]]))  # joint norm 13
    np.testing.assert_allclose(first, [-3 / 13, -4 / 13], rtol=1e-6)
    np.testing.assert_allclose(second, [[0, 0], [-12 / 13, 0]], rtol=1e-6)


def test_global_clipnorm_leaves_small_gradients(stepper):
    runner = stepper(optimizers.SGD(learning_rate=1.0, global_clipnorm=20.0), arrays([0, 0], [0]))
    first, second = runner.step(arrays([3, 4], [12]))
    np.testing.assert_allclose(first, [-3, -4], rtol=1e-6)
    np.testing.assert_allclose(second, [-12], rtol=1e-6)


def test_clipvalue_clips_elementwise(stepper):
    runner = stepper(optimizers.SGD(learning_rate=1.0, clipvalue=0.5), arrays([0, 0, 0]))
    (param,) = runner.step(arrays([-2, 0.3, 0.7]))
    np.testing.assert_allclose(param, [0.5, -0.3, -0.5], rtol=1e-6)


@pytest.mark.parametrize("clip", [{"clipnorm": 1.0}, {"global_clipnorm": 1.0}])
def test_zero_gradients_stay_finite_under_norm_clipping(stepper, clip):
    runner = stepper(optimizers.SGD(learning_rate=1.0, **clip), arrays([1, 2], [3]))
    first, second = runner.step(arrays([0, 0], [0]))
    np.testing.assert_array_equal(first, [1, 2])
    np.testing.assert_array_equal(second, [3])


def test_none_gradient_is_left_out_of_the_global_norm(stepper):
    runner = stepper(optimizers.SGD(learning_rate=1.0, global_clipnorm=1.0), arrays([0, 0], [5]))
    first, second = runner.step([np.array([3, 4], F32), None])
    np.testing.assert_allclose(first, [-0.6, -0.8], rtol=1e-6)  # joint norm 5, not sqrt(26)
    np.testing.assert_array_equal(second, [5])


def test_none_gradient_leaves_param_and_slots_unchanged(stepper):
    runner = stepper(optimizers.Adam(learning_rate=0.1), arrays([0, 0], [5]))
    _, second_before = runner.step(arrays([3, 4], [1]))
    slots_before = runner.slots()[1]
    first, second = runner.step([np.array([3, 4], F32), None])
    np.testing.assert_array_equal(second, second_before)
    for name, value in runner.slots()[1].items():
        np.testing.assert_array_equal(value, slots_before[name])
    assert first[0] < -0.15  # the other variable took its second step


def test_sgd_weight_decay_is_decoupled_and_applied_first(stepper):
    runner = stepper(optimizers.SGD(learning_rate=0.1, weight_decay=0.5), arrays([2.0]))
    (after_one,) = runner.step(arrays([1.0]))
    (after_two,) = runner.step(arrays([1.0]))
    np.testing.assert_allclose(after_one, [2 - 2 * 0.5 * 0.1 - 0.1], rtol=1e-6)  # 1.8
    np.testing.assert_allclose(after_two, [1.8 - 1.8 * 0.05 - 0.1], rtol=1e-6)  # 1.61


def test_adamw_decays_before_its_step(stepper):
    # With epsilon=0 Adam's first step is exactly lr * sign(grad), whatever the gradient's size.
    runner = stepper(optimizers.AdamW(learning_rate=0.1, weight_decay=0.5, epsilon=0.0), arrays([2.0, -4.0]))
    (param,) = runner.step(arrays([3.0, 0.01]))
    np.testing.assert_allclose(param, [2 * 0.95 - 0.1, -4 * 0.95 - 0.1], rtol=1e-6)


def test_weight_decay_uses_the_scheduled_rate(stepper):
    schedule = optimizers.PiecewiseConstantDecay([0], [0.1, 0.2])
    runner = stepper(optimizers.SGD(learning_rate=schedule, weight_decay=1.0), arrays([1.0]))
    (after_one,) = runner.step(arrays([0.0]))
    (after_two,) = runner.step(arrays([0.0]))
    np.testing.assert_allclose([after_one[0], after_two[0]], [0.9, 0.9 * 0.8], rtol=1e-6)


def test_with_learning_rate_changes_the_rate_without_retracing(engine):
    import jax

    from oneiros import ops

    optimizer = optimizers.SGD(learning_rate=0.1)
    traces = []

    def step(grads, params, state):
        traces.append(1)
        return optimizer.apply(grads, params, state)

    apply = jax.jit(step) if engine == "jax-jit" else step
    with oneiros.backend_scope("numpy" if engine == "numpy" else "jax"):
        params = [ops.convert_to_tensor(np.zeros(2, F32))]
        grads = [ops.convert_to_tensor(np.ones(2, F32))]
        state = optimizer.init(params)
        params, state = apply(grads, params, state)
        state = optimizer.with_learning_rate(state, 0.5)
        params, state = apply(grads, params, state)
        np.testing.assert_allclose(ops.to_numpy(params[0]), [-0.6, -0.6], rtol=1e-6)
        assert float(ops.to_numpy(optimizer.current_learning_rate(state))) == 0.5
    assert len(traces) == (1 if engine == "jax-jit" else 2)


def test_state_layout_and_dtypes(engine):
    from oneiros import ops

    with oneiros.backend_scope("numpy" if engine == "numpy" else "jax"):
        params = [ops.convert_to_tensor(np.zeros((2, 3), F32)), ops.convert_to_tensor(np.zeros(4, np.float16))]
        state = optimizers.Adam().init(params)
        assert ops.dtype(state["iterations"]) == "int32" and ops.shape(state["iterations"]) == ()
        assert ops.dtype(state["learning_rate"]) == "float32"
        assert [sorted(slots) for slots in state["slots"]] == [["momentum", "velocity"]] * 2
        assert [ops.dtype(slots["velocity"]) for slots in state["slots"]] == ["float32", "float16"]
        grads = [ops.ones_like(p) for p in params]
        new_params, new_state = optimizers.Adam().apply(grads, params, state)
        assert [ops.dtype(p) for p in new_params] == ["float32", "float16"]
        assert ops.dtype(new_state["slots"][1]["momentum"]) == "float16"
        assert int(ops.to_numpy(new_state["iterations"])) == 1
