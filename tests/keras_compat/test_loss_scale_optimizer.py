"""LossScaleOptimizer against Keras 3 (on JAX): the same scaled gradients, with non-finite steps
among them, give the same 20-step trajectory, dynamic scale and step counter; in ``fit`` it
trains exactly like its inner optimizer (power-of-two scales are exact)."""

from __future__ import annotations

import os

import numpy as np
import pytest

os.environ.setdefault("KERAS_BACKEND", "jax")
import keras  # noqa: E402

import oneiros as oi  # noqa: E402
from oneiros import ops, optimizers  # noqa: E402

RNG = np.random.default_rng(5)
PARAMS = [RNG.normal(size=(3, 2)).astype("float32"), RNG.normal(size=(2,)).astype("float32")]
NON_FINITE_STEPS = {4, 5, 11}


def scaled_gradients():
    """20 steps of gradients as a loss scaled by 2**15 would give them, some with an inf or a nan."""
    steps = []
    for index in range(20):
        grads = [RNG.normal(size=p.shape).astype("float32") * 2.0 ** 15 for p in PARAMS]
        if index in NON_FINITE_STEPS:
            grads[index % 2].flat[0] = np.inf if index % 2 else np.nan
        steps.append(grads)
    return steps


GRADIENTS = scaled_gradients()


def keras_trajectory():
    import jax

    optimizer = keras.optimizers.LossScaleOptimizer(keras.optimizers.Adam(0.01), dynamic_growth_steps=3)
    variables = [keras.Variable(p) for p in PARAMS]
    optimizer.build(variables)
    state = [v.value for v in optimizer.variables]
    values = [v.value for v in variables]
    names = [v.name for v in optimizer.variables]
    scale_at, counter_at = names.index("dynamic_scale"), names.index("step_counter")
    step = jax.jit(optimizer.stateless_apply)
    trajectory = []
    for grads in GRADIENTS:
        values, state = step(state, grads, values)
        trajectory.append(([np.asarray(v) for v in values], float(state[scale_at]), int(state[counter_at])))
    return trajectory


def test_matches_keras_over_20_steps_with_skipped_steps():
    with oi.backend_scope("jax"):
        optimizer = optimizers.LossScaleOptimizer(optimizers.Adam(0.01), dynamic_growth_steps=3)
        params = [ops.convert_to_tensor(p) for p in PARAMS]
        state = optimizer.init(params)
        for (expected, scale, counter), grads in zip(keras_trajectory(), GRADIENTS):
            params, state = optimizer.apply([ops.convert_to_tensor(g) for g in grads], params, state)
            for got, want in zip(params, expected):
                np.testing.assert_allclose(ops.to_numpy(got), want, rtol=1e-5, atol=1e-6)
            assert float(ops.to_numpy(state["dynamic_scale"])) == scale
            assert int(ops.to_numpy(state["step_counter"])) == counter
        assert int(ops.to_numpy(state["iterations"])) == 20 - len(NON_FINITE_STEPS)


def test_fit_trains_like_the_inner_optimizer_and_config_round_trips():
    x = RNG.normal(size=(32, 4)).astype("float32")
    y = x @ RNG.normal(size=(4, 1)).astype("float32")
    results = []
    with oi.backend_scope("jax"):
        for optimizer in (optimizers.SGD(0.05), oi.mixed_precision.LossScaleOptimizer(optimizers.SGD(0.05))):
            oi.utils.set_random_seed(3)
            model = oi.Sequential([oi.layers.Input((4,)), oi.layers.Dense(1)])
            model.compile(optimizer=optimizer, loss="mse")
            history = model.fit(x, y, epochs=3, batch_size=8, shuffle=False, verbose=0)
            results.append((history.history["loss"], model.get_weights()))
    (loss, weights), (scaled_loss, scaled_weights) = results
    np.testing.assert_allclose(scaled_loss, loss, rtol=1e-6)
    for got, want in zip(scaled_weights, weights):
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-7)
    config = optimizer.get_config()
    rebuilt = optimizers.LossScaleOptimizer.from_config(config)
    assert rebuilt.get_config() == config and isinstance(rebuilt.inner_optimizer, optimizers.SGD)


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="dynamic=False"):
        optimizers.LossScaleOptimizer(optimizers.SGD(), dynamic=False)
    with pytest.raises(ValueError, match="`clipnorm`: set it on the inner optimizer"):
        optimizers.LossScaleOptimizer(optimizers.SGD(), clipnorm=1.0)
    with pytest.raises(ValueError, match="dynamic_growth_steps=0"):
        optimizers.LossScaleOptimizer(optimizers.SGD(), dynamic_growth_steps=0)
    with pytest.raises(TypeError, match="must be an Optimizer; received 'adam'"):
        optimizers.LossScaleOptimizer("adam")
