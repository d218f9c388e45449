"""The MXNet backend's fused optimizer updates against hand-written numpy optimizers.

The oracles are Keras 3's formulas written out in float64 numpy loops, independent of both the
fused kernels and the core's generic ops.
"""

from __future__ import annotations

import numpy as np
import oneiros as oi
import pytest
from oneiros import ops

RNG = np.random.default_rng(91)
SHAPES = [(3, 3, 1, 4), (4,), (6, 5)]
STEPS = 6
PARAMS = [RNG.normal(size=shape).astype(np.float32) for shape in SHAPES]
GRADS = [[RNG.normal(scale=0.5, size=shape).astype(np.float32) for shape in SHAPES] for _ in range(STEPS)]


def numpy_adam(lr: float, beta_1: float = 0.9, beta_2: float = 0.999, epsilon: float = 1e-7,
               weight_decay: float = 0.0, steps: int = STEPS) -> list[np.ndarray]:
    params = [p.astype(np.float64) for p in PARAMS]
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    for t in range(1, steps + 1):
        grads = GRADS[(t - 1) % STEPS]
        step_size = lr * np.sqrt(1 - beta_2 ** t) / (1 - beta_1 ** t)
        for i, grad in enumerate(grads):
            params[i] = params[i] - params[i] * weight_decay * lr
            m[i] = m[i] + (grad - m[i]) * (1 - beta_1)
            v[i] = v[i] + (grad ** 2 - v[i]) * (1 - beta_2)
            params[i] = params[i] - step_size * m[i] / (np.sqrt(v[i]) + epsilon)
    return params


def numpy_sgd(lr: float, momentum: float) -> list[np.ndarray]:
    params = [p.astype(np.float64) for p in PARAMS]
    velocity = [np.zeros_like(p) for p in params]
    for grads in GRADS:
        for i, grad in enumerate(grads):
            velocity[i] = momentum * velocity[i] - lr * grad
            params[i] = params[i] + velocity[i]
    return params


def run(optimizer, donate: bool = False, steps: int = STEPS) -> tuple[list[np.ndarray], dict]:
    backend = oi.backend.get_backend()
    apply = backend.jit(optimizer.apply, donate_argnums=(2,) if donate else ())
    params = [ops.convert_to_tensor(p) for p in PARAMS]
    state = optimizer.init(params)
    for step in range(steps):
        params, state = apply([ops.convert_to_tensor(g) for g in GRADS[step % STEPS]], params, state)
    return [ops.to_numpy(p) for p in params], state


def assert_close(actual: list[np.ndarray], expected: list[np.ndarray]) -> None:
    for got, want in zip(actual, expected):
        np.testing.assert_allclose(got, want, rtol=2e-5, atol=2e-6)


@pytest.mark.parametrize("donate", [False, True])
def test_adam_matches_the_keras_formula(mxnet_backend, donate):
    adam = oi.optimizers.get("adam")(learning_rate=0.01)
    assert mxnet_backend.fused_optimizer_update("adam", adam.fused_rule().hyperparameters, ["float32"]) is not None
    params, state = run(adam, donate)
    assert_close(params, numpy_adam(0.01))
    assert int(ops.to_numpy(state["iterations"])) == STEPS


def test_adam_with_weight_decay_and_other_betas_matches(mxnet_backend):
    adam = oi.optimizers.get("adam")(learning_rate=0.02, beta_1=0.8, beta_2=0.99, epsilon=1e-3,
                                     weight_decay=0.1)
    params, _ = run(adam)
    assert_close(params, numpy_adam(0.02, beta_1=0.8, beta_2=0.99, epsilon=1e-3, weight_decay=0.1))


@pytest.mark.parametrize("beta_1, beta_2, steps, fused", [
    (0.5, 0.6, 60, True),  # bias corrections vanish after ~40 steps: past the end of the step table
    (0.0, 0.9999, 4, False),  # float32(0.9999) is 2e-4 off in 1 - beta_2: the generic ops run
])
def test_adam_bias_corrections_over_many_steps_and_extreme_betas(mxnet_backend, beta_1, beta_2, steps, fused):
    adam = oi.optimizers.get("adam")(learning_rate=0.01, beta_1=beta_1, beta_2=beta_2)
    kernel = mxnet_backend.fused_optimizer_update("adam", adam.fused_rule().hyperparameters, ["float32"])
    assert (kernel is not None) == fused
    params, _ = run(adam, steps=steps)
    assert_close(params, numpy_adam(0.01, beta_1=beta_1, beta_2=beta_2, steps=steps))


def test_a_zero_learning_rate_leaves_the_params(mxnet_backend):
    # The LAMB kernel reads a zero ratio as "ratio 1"; the reciprocal step size avoids that.
    params, _ = run(oi.optimizers.get("adam")(learning_rate=0.0))
    assert_close(params, PARAMS)


@pytest.mark.parametrize("momentum", [0.0, 0.9])
def test_sgd_matches_the_keras_formula(mxnet_backend, momentum):
    params, _ = run(oi.optimizers.get("sgd")(learning_rate=0.05, momentum=momentum))
    assert_close(params, numpy_sgd(0.05, momentum))


def test_an_undonated_state_is_left_as_it_was(mxnet_backend):
    adam = oi.optimizers.get("adam")(learning_rate=0.01)
    params = [ops.convert_to_tensor(p) for p in PARAMS]
    state = adam.init(params)
    first, state = adam.apply([ops.convert_to_tensor(g) for g in GRADS[0]], params, state)
    moments = [ops.to_numpy(slots["momentum"]).copy() for slots in state["slots"]]
    adam.apply([ops.convert_to_tensor(g) for g in GRADS[1]], first, state)
    for before, slots in zip(moments, state["slots"]):
        np.testing.assert_array_equal(ops.to_numpy(slots["momentum"]), before)
    np.testing.assert_array_equal(ops.to_numpy(params[0]), PARAMS[0])


def test_a_donated_state_is_updated_in_place(mxnet_backend):
    adam = oi.optimizers.get("adam")(learning_rate=0.01)
    params = [ops.convert_to_tensor(p) for p in PARAMS]
    state = adam.init(params)
    apply = mxnet_backend.jit(adam.apply, donate_argnums=(2,))
    _, new_state = apply([ops.convert_to_tensor(g) for g in GRADS[0]], params, state)
    assert all(new["momentum"] is old["momentum"] and new["velocity"] is old["velocity"]
               for new, old in zip(new_state["slots"], state["slots"]))


def test_configurations_the_kernels_cannot_express_run_the_generic_ops(mxnet_backend):
    assert oi.optimizers.get("adam")(amsgrad=True).fused_rule() is None
    assert oi.optimizers.get("sgd")(momentum=0.9, nesterov=True).fused_rule() is None
    assert mxnet_backend.fused_optimizer_update("adam", {"beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7},
                                                ["float32", "float16"]) is None
    assert mxnet_backend.fused_optimizer_update("lion", {}, ["float32"]) is None


def test_float16_params_follow_the_formula_through_the_generic_ops(mxnet_backend):
    adam = oi.optimizers.get("adam")(learning_rate=0.01)
    params = [ops.convert_to_tensor(PARAMS[1].astype(np.float16))]
    state = adam.init(params)
    new, _ = adam.apply([ops.convert_to_tensor(GRADS[0][1].astype(np.float16))], params, state)
    grad = GRADS[0][1].astype(np.float16).astype(np.float64)
    expected = PARAMS[1].astype(np.float16) - 0.01 * (0.1 * grad) / (np.sqrt(0.001 * grad ** 2) + 1e-7) \
        * np.sqrt(1 - 0.999) / (1 - 0.9)
    assert ops.dtype(new[0]) == "float16"
    np.testing.assert_allclose(ops.to_numpy(new[0]).astype(np.float64), expected, rtol=2e-3, atol=2e-3)
