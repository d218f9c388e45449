"""``use_ema``, ``ema_momentum``, ``ema_overwrite_frequency`` on the base optimizer: against a numpy
loop of Keras's rule, against Keras's own optimizer (params and its ``optimizer.variables``,
averages included, in Keras's order) and against Keras's weights after the same ``fit``."""

from __future__ import annotations

import numpy as np
import pytest

import oneiros as oi
from oneiros import optimizers

STEPS = 10


def numpy_sgd_with_ema(params, grads, learning_rate, momentum, ema_momentum, frequency):
    """Keras's SGD with momentum then its moving average (momentum 0 at the first step) and the
    overwrite every ``frequency`` steps, in float64; the params and averages after each step."""
    values = [p.astype(np.float64) for p in params]
    velocities = [np.zeros_like(v) for v in values]
    averages = [np.zeros_like(v) for v in values]
    history = []
    for iterations, step_grads in enumerate(grads):
        for index, grad in enumerate(step_grads):
            velocities[index] = momentum * velocities[index] - learning_rate * grad
            values[index] = values[index] + velocities[index]
        decay = ema_momentum if iterations > 0 else 0.0
        averages = [decay * average + (1 - decay) * value for average, value in zip(averages, values)]
        if frequency is not None and (iterations + 1) % frequency == 0:
            values = [average.copy() for average in averages]
        history.append(([v.copy() for v in values], [a.copy() for a in averages]))
    return history


@pytest.mark.parametrize("engine", ["numpy", "jax-jit"])
@pytest.mark.parametrize("frequency", [None, 3])
def test_moving_average_and_overwrite_follow_a_numpy_loop(frequency, problem, stepper):
    params, grads = problem
    grads = grads[:STEPS]
    optimizer = optimizers.SGD(0.1, momentum=0.5, use_ema=True, ema_momentum=0.8, ema_overwrite_frequency=frequency)
    runner = stepper(optimizer, params)
    for step_grads, (want_values, want_averages) in zip(grads, numpy_sgd_with_ema(params, grads, 0.1, 0.5, 0.8,
                                                                                  frequency)):
        got_values = runner.step(step_grads)
        with oi.backend_scope(runner.backend):
            got_averages = [np.asarray(oi.ops.to_numpy(a)) for a in runner.state["average"]]
        for got, want in zip(got_values + got_averages, want_values + want_averages, strict=True):
            np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name, arguments", [
    ("Adam", {"learning_rate": 0.02, "use_ema": True, "ema_overwrite_frequency": 4}),
    ("RMSprop", {"learning_rate": 0.01, "momentum": 0.5, "use_ema": True, "ema_momentum": 0.9}),
])
def test_matches_keras_params_and_optimizer_variables(name, arguments, problem, keras_steps, jitted_run,
                                                     assert_runs_close):
    import keras

    params, grads = problem
    paths = [f"layer/w{index}" for index in range(len(params))]
    theirs = keras_steps(getattr(keras.optimizers, name)(**arguments), params, grads, paths)
    assert_runs_close(jitted_run(getattr(optimizers, name)(**arguments), params, grads, paths), theirs, 3e-6)


def _dense_model(namespace, weights):
    model = namespace.Sequential([namespace.Input((3,)), namespace.layers.Dense(4, activation="tanh", name="hidden"),
                                  namespace.layers.Dense(1, name="out")])
    model.set_weights(weights)
    return model


@pytest.fixture(scope="module")
def regression():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(48, 3)).astype(np.float32)
    y = (np.sin(x @ np.array([1.0, -2.0, 0.5], np.float32)))[:, None].astype(np.float32)
    weights = [rng.normal(scale=0.5, size=shape).astype(np.float32) for shape in [(3, 4), (4,), (4, 1), (1,)]]
    return x, y, weights


@pytest.mark.parametrize("frequency", [None, 5])
def test_fit_ends_with_the_same_weights_as_keras(frequency, regression):
    """With no overwrite frequency fit ends by giving the weights their averages (Keras's
    ``finalize_variable_values``); with one, the averages replace them every 5 steps too."""
    import keras

    x, y, weights = regression
    results = []
    for namespace in (keras, oi):
        model = _dense_model(namespace, weights)
        model.compile(optimizer=namespace.optimizers.SGD(0.1, momentum=0.5, use_ema=True, ema_momentum=0.7,
                                                         ema_overwrite_frequency=frequency), loss="mse")
        model.fit(x, y, epochs=3, batch_size=8, shuffle=False, verbose=0)
        results.append(model.get_weights())
    for ours, theirs in zip(results[1], results[0], strict=True):
        np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-5)


def test_config_round_trips_and_loads_keras_config():
    import keras

    config = keras.optimizers.Adam(use_ema=True, ema_momentum=0.9, ema_overwrite_frequency=7).get_config()
    ours = optimizers.Adam.from_config(config)
    assert (ours.use_ema, ours.ema_momentum, ours.ema_overwrite_frequency) == (True, 0.9, 7)
    assert optimizers.Adam.from_config(ours.get_config()).get_config() == ours.get_config()
