"""Muon against a numpy implementation of Keras 3's update (Newton-Schulz iterations, the AdamW
step for the variables its rules exclude, the two weight decays) and against Keras itself: the
optimizer alone over 10 steps and a model after the same ``fit``."""

from __future__ import annotations

import numpy as np
import pytest

import oneiros as oi
from oneiros import optimizers

STEPS = 10
# path -> shape; which update each gets under exclude_layers=["out"], exclude_embeddings=True
VARIABLES = {
    "dense/kernel": (6, 4),               # Muon, taller than wide (iterated on the transpose)
    "dense/bias": (4,),                   # AdamW: not 2-D
    "token_embedding/embeddings": (5, 3),  # AdamW: "embedding" in the path
    "out/kernel": (4, 2),                 # AdamW: matches exclude_layers
    "conv/kernel": (3, 3, 2, 4),          # AdamW: not 2-D
    "wide/kernel": (3, 7),                # Muon
}
MUON_PATHS = {"dense/kernel", "wide/kernel"}
CASES = {
    "defaults": {"learning_rate": 0.01, "exclude_layers": ["out"]},
    "plain-momentum": {"learning_rate": 0.02, "exclude_layers": ["out"], "nesterov": False, "rms_rate": None,
                       "adam_lr_ratio": 0.5, "weight_decay": 0.1, "adam_weight_decay": 0.01, "momentum": 0.9,
                       "ns_steps": 3},
}


@pytest.fixture(scope="module")
def muon_problem():
    rng = np.random.default_rng(11)
    params = [rng.normal(size=shape).astype(np.float32) for shape in VARIABLES.values()]
    grads = [[rng.normal(scale=0.5, size=shape).astype(np.float32) for shape in VARIABLES.values()]
             for _ in range(STEPS)]
    return list(VARIABLES), params, grads


def numpy_newton_schulz(x, steps, a, b, c):
    tall = x.shape[0] > x.shape[1]
    x = x.T if tall else x
    x = x / (np.linalg.norm(x) + 1e-7)
    for _ in range(steps):
        gram = x @ x.T
        x = a * x + (b * gram + c * gram @ gram) @ x
    return x.T if tall else x


def numpy_muon(paths, params, grads, learning_rate, exclude_layers, adam_beta_1=0.9, adam_beta_2=0.999,
               epsilon=1e-7, weight_decay=0.004, adam_weight_decay=0.004, adam_lr_ratio=1, momentum=0.95,
               ns_steps=5, nesterov=True, rms_rate=0.2, muon_a=3.4445, muon_b=-4.7750, muon_c=2.0315):
    """Keras 3's Muon in float64: decay, then the Muon or AdamW step; the params after each step."""
    values = [p.astype(np.float64) for p in params]
    momenta = [np.zeros_like(v) for v in values]
    velocities = [np.zeros_like(v) for v in values]
    adamw = [path in VARIABLES and path not in MUON_PATHS for path in paths]
    assert exclude_layers == ["out"]
    history = []
    for step, step_grads in enumerate(grads, start=1):
        for i, grad in enumerate(step_grads):
            grad = grad.astype(np.float64)
            values[i] = values[i] - values[i] * (adam_weight_decay if adamw[i] else weight_decay) * learning_rate
            if adamw[i]:
                rate = learning_rate * adam_lr_ratio
                alpha = rate * np.sqrt(1 - adam_beta_2 ** step) / (1 - adam_beta_1 ** step)
                momenta[i] += (grad - momenta[i]) * (1 - adam_beta_1)
                velocities[i] += (grad ** 2 - velocities[i]) * (1 - adam_beta_2)
                values[i] = values[i] - momenta[i] * alpha / (np.sqrt(velocities[i]) + epsilon)
            else:
                momenta[i] = momenta[i] + grad + momenta[i] * (momentum - 1)
                direction = grad + momentum * momenta[i] if nesterov else momenta[i]
                change = learning_rate * numpy_newton_schulz(direction, ns_steps, muon_a, muon_b, muon_c)
                if rms_rate is not None:
                    change = change * np.sqrt(max(values[i].shape)) * rms_rate
                values[i] = values[i] - change
        history.append([v.copy() for v in values])
    return history


def test_rules_choose_adamw_by_shape_and_path(muon_problem):
    paths, params, _ = muon_problem
    optimizer = optimizers.Muon(exclude_layers=["out"])
    with oi.backend_scope("numpy"):
        state = optimizer.init([oi.ops.convert_to_tensor(p) for p in params], paths)
    assert {path for path, slots in zip(paths, state["slots"]) if "velocity" not in slots} == MUON_PATHS
    kept = optimizers.Muon(exclude_embeddings=False)
    assert not kept.uses_adamw((5, 3), "token_embedding/embeddings") and kept.uses_adamw((4,), "dense/bias")


# jax-jit proves apply pure; eager jax would compile each op once more (about 20 s under load).
@pytest.mark.parametrize("engine", ["numpy", "jax-jit"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_matches_numpy_keras_update(case, muon_problem, stepper):
    paths, params, grads = muon_problem
    runner = stepper(optimizers.Muon(**CASES[case]), params, paths)
    for step_grads, expected in zip(grads, numpy_muon(paths, params, grads, **CASES[case])):
        for got, want in zip(runner.step(step_grads), expected, strict=True):
            np.testing.assert_allclose(got, want, rtol=2e-5, atol=2e-5)


@pytest.mark.parametrize("case", sorted(CASES))
def test_matches_keras(case, muon_problem, keras_steps, jitted_run, assert_runs_close):
    import keras

    paths, params, grads = muon_problem
    theirs = keras_steps(keras.optimizers.Muon(**CASES[case]), params, grads, paths)
    assert_runs_close(jitted_run(optimizers.Muon(**CASES[case]), params, grads, paths), theirs, 1e-5)


def test_fit_matches_keras():
    import keras

    rng = np.random.default_rng(5)
    x = rng.normal(size=(32, 3)).astype(np.float32)
    y = np.tanh(x @ rng.normal(size=(3, 2))).astype(np.float32)
    weights = [rng.normal(scale=0.5, size=shape).astype(np.float32) for shape in [(3, 8), (8,), (8, 2), (2,)]]
    results = []
    for namespace in (keras, oi):
        inputs = namespace.Input((3,))
        hidden = namespace.layers.Dense(8, activation="tanh", name="hidden")(inputs)
        model = namespace.Model(inputs, namespace.layers.Dense(2, name="out")(hidden))
        model.set_weights(weights)
        model.compile(optimizer=namespace.optimizers.Muon(learning_rate=0.02, exclude_layers=["out"]), loss="mse")
        model.fit(x, y, epochs=2, batch_size=8, shuffle=False, verbose=0)
        results.append(model.get_weights())
    for ours, theirs in zip(results[1], results[0], strict=True):
        np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("arguments, error, fragments", [
    ({"exclude_layers": "out"}, TypeError, ["exclude_layers", "'out'", "list of regular expressions"]),
    ({"exclude_layers": ["out("]}, ValueError, ["exclude_layers", "'out('", "not a regular expression"]),
    ({"ns_steps": -1}, ValueError, ["ns_steps", "-1", "int >= 0"]),
    ({"momentum": 1.5}, ValueError, ["momentum", "1.5", "[0, 1]"]),
    ({"rms_rate": 0}, ValueError, ["rms_rate", "0", "> 0"]),
    ({"nesterov": "yes"}, TypeError, ["nesterov", "'yes'", "True or False"]),
])
def test_bad_arguments_name_what_was_received_and_expected(arguments, error, fragments):
    with pytest.raises(error) as info:
        optimizers.Muon(**arguments)
    for fragment in fragments:
        assert fragment in str(info.value)


def test_config_is_keras_config():
    import keras

    arguments = {"name": "muon", "learning_rate": 0.01, "exclude_layers": ["out", "head"], "nesterov": False, "rms_rate": None,
                 "ns_steps": 4, "adam_weight_decay": None}
    theirs = keras.optimizers.Muon(**arguments).get_config()
    ours = optimizers.Muon(**arguments).get_config()
    assert set(theirs) - set(ours) == {"loss_scale_factor", "gradient_accumulation_steps"}
    loaded = optimizers.Muon.from_config(theirs).get_config()
    assert ours.pop("learning_rate") == pytest.approx(theirs.pop("learning_rate"))
    assert ours == {key: value for key, value in theirs.items() if key in ours}
    assert loaded.pop("learning_rate") == pytest.approx(0.01) and loaded == ours
