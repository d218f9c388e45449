"""Every optimizer built with no arguments is Keras 3's: the same config (epsilon, betas,
weight decay, learning rate), and the most used ones take the same first 20 steps on the same
gradients (bias correction and epsilon placement included)."""

from __future__ import annotations

import numpy as np
import pytest

import oneiros
from oneiros import ops, optimizers

NAMES = ["Adadelta", "Adafactor", "Adagrad", "Adam", "AdamW", "Adamax", "Ftrl", "Lamb", "Lion", "Nadam",
         "RMSprop", "SGD"]
# Keras's training-loop knobs (gradient accumulation, loss scaling), off by default; Oneiros has no
# such arguments (moving averages of weights it has: use_ema and its two companions).
KERAS_ONLY = {"gradient_accumulation_steps", "loss_scale_factor"}
STEPS = 20
# The default-argument trajectories of the optimizers programs use most; every optimizer's
# trajectory with other arguments is checked against Keras in tests/optimizers/test_keras_parity.py.
STEPPED = ["Adam", "AdamW", "RMSprop", "SGD"]


@pytest.fixture(scope="module")
def problem():
    rng = np.random.default_rng(7)
    shapes = [(4, 3), (5,)]
    params = [rng.normal(size=shape).astype(np.float32) for shape in shapes]
    grads = [[rng.normal(scale=0.5, size=shape).astype(np.float32) for shape in shapes] for _ in range(STEPS)]
    return params, grads


@pytest.mark.filterwarnings("ignore:__array__ implementation doesn't accept a copy:DeprecationWarning")
@pytest.mark.parametrize("name", NAMES)
def test_default_config_is_keras_config(keras, name):
    theirs = getattr(keras.optimizers, name)().get_config()
    ours = getattr(optimizers, name)().get_config()
    assert set(theirs) - set(ours) == KERAS_ONLY
    assert ours.pop("learning_rate") == pytest.approx(theirs.pop("learning_rate"), rel=1e-7)
    assert {key: value for key, value in ours.items() if key != "name"} == {
        key: value for key, value in theirs.items() if key not in KERAS_ONLY | {"name"}}


@pytest.mark.parametrize("name", STEPPED)
def test_first_twenty_default_steps_are_keras_steps(keras, name, problem):
    import jax

    params, grads = problem
    optimizer = getattr(keras.optimizers, name)()
    variables = [keras.Variable(value) for value in params]
    optimizer.build(variables)
    step = jax.jit(optimizer.stateless_apply)
    optimizer_values, values = [v.value for v in optimizer.variables], [v.value for v in variables]
    ours_optimizer = getattr(optimizers, name)()
    with oneiros.backend_scope("jax"):
        ours = [ops.convert_to_tensor(value) for value in params]
        state = ours_optimizer.init(ours)
        apply = jax.jit(ours_optimizer.apply)
        for index, step_grads in enumerate(grads):
            values, optimizer_values = step(optimizer_values, list(step_grads), values)
            ours, state = apply([ops.convert_to_tensor(g) for g in step_grads], ours, state)
            for mine, theirs in zip(ours, values):
                # Keras computes 1 - beta**t in float32, which alone drifts ~2e-6 over 20 steps.
                np.testing.assert_allclose(np.asarray(mine), np.asarray(theirs), rtol=5e-6, atol=1e-6,
                                           err_msg=f"{name} step {index + 1}")
