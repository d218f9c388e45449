"""20-step parameter trajectories against independent oracles, on numpy, jax and jax.jit(apply).

optax where its definition is Keras's; a float64 numpy transcription of Keras 3's formula where
optax differs (each says how). test_keras_parity.py checks the same optimizers against Keras.
"""

from __future__ import annotations

import numpy as np
import optax
import pytest

import jax.numpy as jnp
from oneiros import optimizers


def optax_trajectory(transformation, params, grads):
    current = [jnp.asarray(p) for p in params]
    state = transformation.init(current)
    trajectory = []
    for step_grads in grads:
        updates, state = transformation.update([jnp.asarray(g) for g in step_grads], state, current)
        current = optax.apply_updates(current, updates)
        trajectory.append([np.asarray(p) for p in current])
    return trajectory


OPTAX_CASES = {
    "sgd": (lambda: optimizers.SGD(learning_rate=0.05), lambda: optax.sgd(0.05)),
    "sgd-momentum": (lambda: optimizers.SGD(learning_rate=0.05, momentum=0.9),
                     lambda: optax.sgd(0.05, momentum=0.9)),
    "sgd-nesterov": (lambda: optimizers.SGD(learning_rate=0.05, momentum=0.9, nesterov=True),
                     lambda: optax.sgd(0.05, momentum=0.9, nesterov=True)),
    "rmsprop": (lambda: optimizers.RMSprop(learning_rate=0.01),
                lambda: optax.rmsprop(0.01, decay=0.9, eps=1e-7)),
    "rmsprop-centered": (lambda: optimizers.RMSprop(learning_rate=0.01, rho=0.8, centered=True),
                         lambda: optax.rmsprop(0.01, decay=0.8, eps=1e-7, centered=True)),
    "rmsprop-momentum": (lambda: optimizers.RMSprop(learning_rate=0.01, momentum=0.7),
                         lambda: optax.rmsprop(0.01, decay=0.9, eps=1e-7, momentum=0.7)),
    # Keras adds epsilon to the uncorrected sqrt(v) (optax: to the bias-corrected one), so the
    # Adam-family optax comparisons use epsilon=0; the numpy oracles below cover epsilon > 0.
    # beta_2=0.99 because optax's float32 1 - 0.999**t alone drifts ~1.6e-6 over 20 steps (ours
    # computes it as -expm1(t*log(beta)); the float64 oracles below check beta_2=0.999).
    "adam-eps0": (lambda: optimizers.Adam(learning_rate=0.02, beta_2=0.99, epsilon=0.0),
                  lambda: optax.adam(0.02, b1=0.9, b2=0.99, eps=0.0)),
    "adamw-eps0": (lambda: optimizers.AdamW(learning_rate=0.02, weight_decay=0.1, beta_2=0.99,
                                            epsilon=0.0),
                   lambda: optax.adamw(0.02, b2=0.99, eps=0.0, weight_decay=0.1)),
    # Keras's Adamax adds epsilon to the denominator after the max, optax inside it.
    "adamax-eps0": (lambda: optimizers.Adamax(learning_rate=0.02, epsilon=0.0),
                    lambda: optax.adamax(0.02, eps=0.0)),
    "adagrad": (lambda: optimizers.Adagrad(learning_rate=0.1),
                lambda: optax.adagrad(0.1, initial_accumulator_value=0.1, eps=1e-7)),
    "adadelta": (lambda: optimizers.Adadelta(learning_rate=1.0, rho=0.9, epsilon=1e-6),
                 lambda: optax.adadelta(1.0, rho=0.9, eps=1e-6)),
    "lion": (lambda: optimizers.Lion(learning_rate=0.01),
             lambda: optax.lion(0.01, b1=0.9, b2=0.99, weight_decay=0.0)),
    "lion-decay": (lambda: optimizers.Lion(learning_rate=0.01, beta_1=0.8, beta_2=0.95, weight_decay=0.5),
                   lambda: optax.lion(0.01, b1=0.8, b2=0.95, weight_decay=0.5)),
}


_oracle_trajectories: dict[str, list] = {}


def cached_oracle(case, compute):
    """Each oracle runs once per case, not once per engine."""
    if case not in _oracle_trajectories:
        _oracle_trajectories[case] = compute()
    return _oracle_trajectories[case]


@pytest.mark.parametrize("case", sorted(OPTAX_CASES))
def test_matches_optax(case, problem, run_optimizer, assert_trajectories_close):
    make_ours, make_optax = OPTAX_CASES[case]
    params, grads = problem
    expected = cached_oracle(case, lambda: optax_trajectory(make_optax(), params, grads))
    assert_trajectories_close(run_optimizer(make_ours(), params, grads), expected)


def keras_adam_oracle(params, grads, lr, beta_1, beta_2, epsilon, amsgrad=False):
    """Keras 3 Adam: step size lr*sqrt(1-b2^t)/(1-b1^t), epsilon added to the raw sqrt(v)."""
    params = [p.astype(np.float64) for p in params]
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    v_max = [np.zeros_like(p) for p in params]
    trajectory = []
    for t, step_grads in enumerate(grads, start=1):
        alpha = lr * np.sqrt(1 - beta_2 ** t) / (1 - beta_1 ** t)
        for i, g in enumerate(step_grads):
            m[i] = beta_1 * m[i] + (1 - beta_1) * g
            v[i] = beta_2 * v[i] + (1 - beta_2) * g * g
            v_max[i] = np.maximum(v_max[i], v[i])
            denominator = np.sqrt(v_max[i] if amsgrad else v[i]) + epsilon
            params[i] = params[i] - alpha * m[i] / denominator
        trajectory.append([p.copy() for p in params])
    return trajectory


def keras_adamax_oracle(params, grads, lr, beta_1, beta_2, epsilon):
    """Keras 3 Adamax: u = max(b2*u, |g|); lr*m / ((1-b1^t) * (u + epsilon))."""
    params = [p.astype(np.float64) for p in params]
    m = [np.zeros_like(p) for p in params]
    u = [np.zeros_like(p) for p in params]
    trajectory = []
    for t, step_grads in enumerate(grads, start=1):
        for i, g in enumerate(step_grads):
            m[i] = beta_1 * m[i] + (1 - beta_1) * g
            u[i] = np.maximum(beta_2 * u[i], np.abs(g))
            params[i] = params[i] - lr * m[i] / ((1 - beta_1 ** t) * (u[i] + epsilon))
        trajectory.append([p.copy() for p in params])
    return trajectory


def keras_nadam_oracle(params, grads, lr, beta_1, beta_2, epsilon):
    """Keras 3 Nadam (Dozat's momentum schedule mu_t = b1*(1 - 0.5*0.96^t) and its running
    product); optax.nadam instead keeps beta_1 constant, so it is no oracle here."""
    params = [p.astype(np.float64) for p in params]
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    mu_product = 1.0
    trajectory = []
    for t, step_grads in enumerate(grads, start=1):
        mu_t = beta_1 * (1 - 0.5 * 0.96 ** t)
        mu_next = beta_1 * (1 - 0.5 * 0.96 ** (t + 1))
        mu_product *= mu_t
        for i, g in enumerate(step_grads):
            m[i] = beta_1 * m[i] + (1 - beta_1) * g
            v[i] = beta_2 * v[i] + (1 - beta_2) * g * g
            m_hat = mu_next * m[i] / (1 - mu_product * mu_next) + (1 - mu_t) * g / (1 - mu_product)
            v_hat = v[i] / (1 - beta_2 ** t)
            params[i] = params[i] - lr * m_hat / (np.sqrt(v_hat) + epsilon)
        trajectory.append([p.copy() for p in params])
    return trajectory


def keras_adafactor_oracle(params, grads, lr, beta_2_decay, epsilon_1, epsilon_2, clip_threshold):
    """Keras 3 Adafactor. optax.adafactor differs: it factors only dimensions >= 128, picks the
    two largest axes, and uses its own step-size and update-clipping rules."""
    def rms(x):
        return np.sqrt(np.mean(x * x))

    params = [p.astype(np.float64) for p in params]
    rows = [np.zeros(p.shape[:-1]) for p in params]
    columns = [np.zeros(p.shape[:-2] + p.shape[-1:]) for p in params]
    v = [np.zeros_like(p) for p in params]
    trajectory = []
    for t, step_grads in enumerate(grads, start=1):
        rho = min(lr, 1 / np.sqrt(t))
        beta_2 = 1 - t ** beta_2_decay
        for i, g in enumerate(step_grads):
            p = params[i]
            alpha = max(epsilon_2, rms(p)) * rho
            g2 = g.astype(np.float64) ** 2 + epsilon_1
            if p.ndim >= 2:
                rows[i] = beta_2 * rows[i] + (1 - beta_2) * g2.mean(axis=-1)
                columns[i] = beta_2 * columns[i] + (1 - beta_2) * g2.mean(axis=-2)
                row_factor = rows[i] / rows[i].mean(axis=-1, keepdims=True)
                velocity = row_factor[..., :, None] * columns[i][..., None, :]
            else:
                v[i] = beta_2 * v[i] + (1 - beta_2) * g2
                velocity = v[i]
            u = g / np.sqrt(velocity)
            u = u / max(1.0, rms(u) / clip_threshold)
            params[i] = p - alpha * u
        trajectory.append([p.copy() for p in params])
    return trajectory


NUMPY_CASES = {
    "adam": (lambda: optimizers.Adam(learning_rate=0.02, epsilon=1e-3),
             lambda p, g: keras_adam_oracle(p, g, 0.02, 0.9, 0.999, 1e-3)),
    "adam-default": (lambda: optimizers.Adam(),
                     lambda p, g: keras_adam_oracle(p, g, 0.001, 0.9, 0.999, 1e-7)),
    "adam-amsgrad": (lambda: optimizers.Adam(learning_rate=0.02, beta_1=0.5, epsilon=1e-3, amsgrad=True),
                     lambda p, g: keras_adam_oracle(p, g, 0.02, 0.5, 0.999, 1e-3, amsgrad=True)),
    "adamax": (lambda: optimizers.Adamax(learning_rate=0.02, epsilon=1e-2),
               lambda p, g: keras_adamax_oracle(p, g, 0.02, 0.9, 0.999, 1e-2)),
    "nadam": (lambda: optimizers.Nadam(learning_rate=0.02, epsilon=1e-3),
              lambda p, g: keras_nadam_oracle(p, g, 0.02, 0.9, 0.999, 1e-3)),
    "adafactor": (lambda: optimizers.Adafactor(learning_rate=0.05),
                  lambda p, g: keras_adafactor_oracle(p, g, 0.05, -0.8, 1e-30, 1e-3, 1.0)),
    "adafactor-tight-clip": (
        lambda: optimizers.Adafactor(learning_rate=0.5, beta_2_decay=-0.5, epsilon_2=0.1,
                                     clip_threshold=0.3),
        lambda p, g: keras_adafactor_oracle(p, g, 0.5, -0.5, 1e-30, 0.1, 0.3)),
}


@pytest.mark.parametrize("case", sorted(NUMPY_CASES))
def test_matches_keras_formula_in_numpy(case, problem, run_optimizer, assert_trajectories_close):
    make_ours, oracle = NUMPY_CASES[case]
    params, grads = problem
    expected = cached_oracle(case, lambda: oracle(params, grads))
    assert_trajectories_close(run_optimizer(make_ours(), params, grads), expected)


def test_optax_adam_differs_from_keras_adam_by_epsilon_placement(problem):
    """Documents why Adam with epsilon > 0 needs the numpy oracle: the two definitions part."""
    params, grads = problem
    keras_form = keras_adam_oracle(params, grads, 0.02, 0.9, 0.999, 1e-3)
    optax_form = optax_trajectory(optax.adam(0.02, b1=0.9, b2=0.999, eps=1e-3), params, grads)
    assert np.abs(keras_form[-1][0] - optax_form[-1][0]).max() > 1e-4
