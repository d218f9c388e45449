"""Learning-rate schedules against optax's schedules and hand-computed values, evaluated on numpy,
jax and under jax.jit (with a traced step)."""

from __future__ import annotations

import json
import math

import numpy as np
import optax
import pytest

import oneiros
from oneiros import ops, optimizers

STEPS = np.arange(0, 40)


@pytest.fixture
def evaluate(engine):
    """``evaluate(schedule, steps)`` -> float64 numpy values of ``schedule`` at int32 ``steps``."""

    def run(schedule, steps=STEPS):
        with oneiros.backend_scope("numpy" if engine == "numpy" else "jax"):
            call = schedule
            if engine == "jax-jit":
                import jax

                call = jax.jit(schedule)
            values = []
            for step in steps:
                value = call(ops.convert_to_tensor(np.int32(step)))
                assert ops.dtype(value) == "float32"
                values.append(float(ops.to_numpy(value)))
            return np.array(values)

    return run


def optax_values(schedule, steps=STEPS):
    return np.array([float(schedule(int(step))) for step in steps])


def test_exponential_decay_matches_optax(evaluate):
    ours = optimizers.ExponentialDecay(0.1, decay_steps=7, decay_rate=0.6)
    expected = optax_values(optax.exponential_decay(0.1, transition_steps=7, decay_rate=0.6))
    np.testing.assert_allclose(evaluate(ours), expected, rtol=1e-6)


def test_exponential_decay_staircase_matches_optax(evaluate):
    ours = optimizers.ExponentialDecay(0.1, decay_steps=7, decay_rate=0.6, staircase=True)
    expected = optax_values(optax.exponential_decay(0.1, 7, 0.6, staircase=True))
    np.testing.assert_allclose(evaluate(ours), expected, rtol=1e-6)
    assert evaluate(ours, [6, 7])[1] == pytest.approx(0.06, rel=1e-6)


@pytest.mark.parametrize("staircase", [False, True])
def test_inverse_time_decay_by_hand(evaluate, staircase):
    ours = optimizers.InverseTimeDecay(0.5, decay_steps=4, decay_rate=0.25, staircase=staircase)
    ratio = STEPS // 4 if staircase else STEPS / 4
    np.testing.assert_allclose(evaluate(ours), 0.5 / (1 + 0.25 * ratio), rtol=1e-6)


def test_piecewise_constant_by_hand(evaluate):
    ours = optimizers.PiecewiseConstantDecay(boundaries=[3, 10], values=[1.0, 0.5, 0.1])
    steps = [0, 2, 3, 4, 9, 10, 11, 100]
    expected = [1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.1, 0.1]  # boundary steps keep the earlier value
    np.testing.assert_allclose(evaluate(ours, steps), expected, rtol=1e-7)


def test_piecewise_constant_with_one_value(evaluate):
    ours = optimizers.PiecewiseConstantDecay(boundaries=[], values=[0.3])
    np.testing.assert_allclose(evaluate(ours, [0, 5]), [0.3, 0.3], rtol=1e-7)


def test_polynomial_decay_matches_optax(evaluate):
    ours = optimizers.PolynomialDecay(0.2, decay_steps=25, end_learning_rate=0.01, power=1.5)
    expected = optax_values(optax.polynomial_schedule(0.2, 0.01, power=1.5, transition_steps=25))
    np.testing.assert_allclose(evaluate(ours), expected, rtol=1e-5)


def test_polynomial_decay_cycle_by_hand(evaluate):
    ours = optimizers.PolynomialDecay(1.0, decay_steps=10, end_learning_rate=0.0, power=1.0, cycle=True)
    # decay_steps stretches to 10 * ceil(step / 10) (10 at step 0): 1 - step / that.
    steps = [0, 5, 10, 11, 15, 20, 21, 30]
    expected = [1.0, 0.5, 0.0, 1 - 11 / 20, 1 - 15 / 20, 0.0, 1 - 21 / 30, 0.0]
    np.testing.assert_allclose(evaluate(ours, steps), expected, rtol=1e-6, atol=1e-7)


def test_cosine_decay_matches_optax(evaluate):
    ours = optimizers.CosineDecay(0.1, decay_steps=30, alpha=0.2)
    expected = optax_values(optax.cosine_decay_schedule(0.1, decay_steps=30, alpha=0.2))
    np.testing.assert_allclose(evaluate(ours), expected, rtol=1e-5)


def test_cosine_decay_with_warmup_matches_optax(evaluate):
    """Keras's decay_steps excludes the warmup, optax's includes it; end = alpha * peak."""
    ours = optimizers.CosineDecay(0.01, decay_steps=25, alpha=0.1, warmup_target=0.2, warmup_steps=8)
    expected = optax_values(optax.warmup_cosine_decay_schedule(
        init_value=0.01, peak_value=0.2, warmup_steps=8, decay_steps=33, end_value=0.02))
    np.testing.assert_allclose(evaluate(ours), expected, rtol=1e-5)


def test_cosine_decay_by_hand_at_midpoint(evaluate):
    ours = optimizers.CosineDecay(0.4, decay_steps=20, alpha=0.0, warmup_target=0.8, warmup_steps=4)
    values = evaluate(ours, [0, 2, 4, 14, 24, 50])
    expected = [0.4, 0.6, 0.8, 0.8 * 0.5 * (1 + math.cos(math.pi * 0.5)), 0.0, 0.0]
    np.testing.assert_allclose(values, expected, rtol=1e-6, atol=1e-7)


SCHEDULES = [
    optimizers.ExponentialDecay(0.1, 7, 0.6, staircase=True),
    optimizers.InverseTimeDecay(0.5, 4, 0.25),
    optimizers.PiecewiseConstantDecay([3, 10], [1.0, 0.5, 0.1]),
    optimizers.PolynomialDecay(0.2, 25, end_learning_rate=0.01, power=1.5, cycle=True),
    optimizers.CosineDecay(0.01, 25, alpha=0.1, warmup_target=0.2, warmup_steps=8),
]


@pytest.mark.parametrize("schedule", SCHEDULES, ids=lambda s: type(s).__name__)
def test_config_round_trip_through_an_optimizer(schedule, evaluate):
    config = optimizers.SGD(learning_rate=schedule).get_config()
    assert config["learning_rate"]["class_name"] == f"core>{type(schedule).__name__}"
    rebuilt = optimizers.SGD.from_config(json.loads(json.dumps(config)))
    assert type(rebuilt.configured_learning_rate) is type(schedule)
    assert rebuilt.configured_learning_rate.get_config() == schedule.get_config()
    np.testing.assert_array_equal(evaluate(rebuilt.configured_learning_rate), evaluate(schedule))


def test_schedule_drives_the_optimizer_step(run_optimizer):
    """SGD with a schedule uses schedule(iterations), iterations counted before the update."""
    optimizer = optimizers.SGD(learning_rate=optimizers.PiecewiseConstantDecay([1], [1.0, 0.25]))
    ones = np.ones(2, np.float32)
    trajectory = run_optimizer(optimizer, [np.zeros(2, np.float32)], [[ones]] * 3)
    np.testing.assert_allclose([step[0][0] for step in trajectory], [-1.0, -2.0, -2.25])
