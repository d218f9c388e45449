"""Backend.fused_optimizer_update: what an optimizer hands a backend's fused kernel, and that
the kernel's result becomes the update. The kernel here is a hand-written numpy Adam/SGD (the
Keras formulas), so the test also pins the meaning of the "adam" and "sgd" rules."""

from __future__ import annotations

import numpy as np
import pytest

import oneiros
from oneiros import ops
from oneiros.backends.numpy_reference._backend import NumpyBackend

RNG = np.random.default_rng(5)
PARAMS = [RNG.normal(size=(3, 2)).astype(np.float32), RNG.normal(size=(4,)).astype(np.float32)]
GRADS = [[RNG.normal(size=p.shape).astype(np.float32) for p in PARAMS] for _ in range(4)]


def _adam_kernel(hyper, grads, params, slots, learning_rate, step):
    b1, b2, eps = hyper["beta_1"], hyper["beta_2"], hyper["epsilon"]
    t = int(step)
    step_size = float(learning_rate) * np.sqrt(1 - b2 ** t) / (1 - b1 ** t)
    new_params, new_slots = [], []
    for grad, param, slot in zip(grads, params, slots):
        m = b1 * slot["momentum"] + (1 - b1) * grad
        v = b2 * slot["velocity"] + (1 - b2) * grad ** 2
        new_params.append((param - step_size * m / (np.sqrt(v) + eps)).astype(np.float32))
        new_slots.append({"momentum": m.astype(np.float32), "velocity": v.astype(np.float32)})
    return new_params, new_slots


def _sgd_kernel(hyper, grads, params, slots, learning_rate, step):
    if hyper["momentum"] == 0:
        return [param - float(learning_rate) * grad for grad, param in zip(grads, params)], slots
    velocities = [hyper["momentum"] * slot["momentum"] - float(learning_rate) * grad
                  for grad, slot in zip(grads, slots)]
    return [p + v for p, v in zip(params, velocities)], [{"momentum": v} for v in velocities]


class FusingBackend(NumpyBackend):
    """The numpy reference with fused "adam" and "sgd" kernels, recording every call."""

    name = "numpy-fusing"

    def __init__(self):
        super().__init__()
        self.calls: list[dict] = []

    def fused_optimizer_update(self, rule, hyperparameters, param_dtypes):
        kernels = {"adam": _adam_kernel, "sgd": _sgd_kernel}
        if rule not in kernels:
            return None

        def update(grads, params, slots, learning_rate, step):
            self.calls.append({"rule": rule, "dtypes": tuple(param_dtypes), "count": len(params),
                               "learning_rate": float(learning_rate), "step": int(step),
                               "step_dtype": ops.dtype(step)})
            return kernels[rule](hyperparameters, grads, params, slots, learning_rate, step)

        return update


def _train(optimizer, backend, grads=GRADS):
    with oneiros.backend_scope(backend):
        params = [ops.convert_to_tensor(p) for p in PARAMS]
        state = optimizer.init(params)
        for step_grads in grads:
            tensors = [None if g is None else ops.convert_to_tensor(g) for g in step_grads]
            params, state = optimizer.apply(tensors, params, state)
        return [np.asarray(ops.to_numpy(p)) for p in params]


def test_adam_hands_the_fused_kernel_its_rule_learning_rate_and_step():
    backend = FusingBackend()
    adam = oneiros.optimizers.get("adam")(learning_rate=0.03, beta_1=0.8)
    fused = _train(adam, backend)
    generic = _train(oneiros.optimizers.get("adam")(learning_rate=0.03, beta_1=0.8), "numpy")
    for got, want in zip(fused, generic):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    assert [call["step"] for call in backend.calls] == [1, 2, 3, 4]
    assert {(call["rule"], call["dtypes"], call["step_dtype"]) for call in backend.calls} \
        == {("adam", ("float32", "float32"), "int32")}
    assert [call["learning_rate"] for call in backend.calls] == pytest.approx([0.03] * 4)


def test_params_without_a_gradient_are_not_handed_to_the_kernel():
    backend = FusingBackend()
    grads = [[None, step_grads[1]] for step_grads in GRADS]
    params = _train(oneiros.optimizers.get("sgd")(learning_rate=0.1, momentum=0.5), backend, grads)
    np.testing.assert_array_equal(params[0], PARAMS[0])
    assert {call["count"] for call in backend.calls} == {1}
    velocity, expected = np.zeros(4), PARAMS[1].astype(np.float64)
    for step_grads in GRADS:
        velocity = 0.5 * velocity - 0.1 * step_grads[1]
        expected = expected + velocity
    np.testing.assert_allclose(params[1], expected, rtol=1e-5)


def test_weight_decay_is_applied_before_the_fused_kernel():
    backend = FusingBackend()
    params = _train(oneiros.optimizers.get("sgd")(learning_rate=0.1, weight_decay=0.5), backend)
    expected = [p.astype(np.float64) for p in PARAMS]
    for step_grads in GRADS:
        expected = [p - p * 0.5 * 0.1 - 0.1 * g for p, g in zip(expected, step_grads)]
    for got, want in zip(params, expected):
        np.testing.assert_allclose(got, want, rtol=1e-5)


@pytest.mark.parametrize("optimizer", [
    {"name": "adam", "amsgrad": True}, {"name": "sgd", "momentum": 0.9, "nesterov": True}, {"name": "rmsprop"},
])
def test_configurations_without_a_rule_never_reach_the_backend(optimizer):
    backend = FusingBackend()
    arguments = {key: value for key, value in optimizer.items() if key != "name"}
    _train(oneiros.optimizers.get(optimizer["name"])(learning_rate=0.01, **arguments), backend)
    assert backend.calls == []
