"""Optimizer updates on MXNet's fused update kernels (see ``Backend.fused_optimizer_update``).

MXNet's ``adam_update`` and ``sgd_mom_update`` take the learning rate as a Python float, which
would make every step read its learning rate and step number back from the engine, waiting for
the whole queued training step. The LAMB kernels take their per-step factor as tensors instead:
``lamb_update_phase1`` without bias correction is Adam's moment update and direction
``m / (sqrt(v) + epsilon)``, and ``lamb_update_phase2(w, d, r1, r2, lr=1)`` is ``w - r1 / r2 * d``.
With ``r1 = 1`` and ``r2 = 1 / step_size`` (infinite for a zero step size, which the kernel's
"r == 0 means ratio 1" rule would otherwise turn into a full step), every factor stays on the
engine and nothing waits. Adam's bias corrections come from a float32 table indexed by the step
tensor, computed on the host once per pair of betas.

The phase-one kernel updates its moment inputs in place, so they are copied first (the
caller's state stays as it was: an optimizer update is pure), unless the caller donated them
(a training step compiled with ``donate_argnums``, see ``_donation``).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import mxnet
import numpy as np
from mxnet import numpy as mnp

from oneiros_mxnet._donation import is_donated
from oneiros_mxnet._engine import context
from oneiros_mxnet._host import shared_constant, upload

_VANISHING = 2.0 ** -26
"""Below this, ``1 - x`` rounds to 1 in float32."""
_BETA_TOLERANCE = 5e-5
"""How far (relative) the kernels' float32 ``1 - beta`` may be from ``1 - beta``."""

Update = Callable[[list[Any], list[Any], list[dict[str, Any]], Any, Any], tuple[list[Any], list[dict[str, Any]]]]


def _legacy(x: mnp.ndarray) -> mxnet.nd.NDArray:
    return x.as_nd_ndarray()


def _log(beta: float) -> float:
    return math.log(beta) if beta > 0 else -math.inf


def _float32_exact_enough(beta: float) -> bool:
    """Whether MXNet's kernels, which hold ``beta`` as a float32 and take ``1 - beta`` from it,
    keep ``1 - beta`` within :data:`_BETA_TOLERANCE` (0.999 does; 0.9999 is off by 2e-4)."""
    return abs((1 - float(np.float32(beta))) - (1 - beta)) <= _BETA_TOLERANCE * (1 - beta)


def _steps_to_vanish(beta: float) -> int:
    """A step count from which on ``1 - beta**t`` is 1 in float32 (a few 10,000 at most for the
    betas :func:`_float32_exact_enough` accepts)."""
    return 1 if beta == 0 else math.ceil(math.log(_VANISHING) / math.log(beta)) + 1


@functools.lru_cache(maxsize=16)
def _inverse_corrections(beta_1: float, beta_2: float, device: str) -> mnp.ndarray:
    """``(1 - beta_1**t) / sqrt(1 - beta_2**t)`` for t = 0 .. T (float32, entry 0 unused), where
    from T on it is 1 in float32. Looking a step up in it is one kernel instead of the ten that
    compute it."""
    t = np.arange(max(_steps_to_vanish(beta_1), _steps_to_vanish(beta_2)) + 1, dtype=np.float64)
    t[0] = 1
    values = -np.expm1(t * _log(beta_1)) / np.sqrt(-np.expm1(t * _log(beta_2)))
    return upload(values.astype(np.float32))


def _inverse_step_size(beta_1: float, beta_2: float, learning_rate: mnp.ndarray, step: mnp.ndarray) -> mnp.ndarray:
    """``1 / step_size`` as a (1,) tensor, from the step's entry in the table (the last entry
    for every later step)."""
    table = _inverse_corrections(beta_1, beta_2, str(context()))
    return mnp.take(table, step.reshape((1,)), mode="clip") / learning_rate


def _scaled_step(weight: mnp.ndarray, direction: mxnet.nd.NDArray, inverse_scale: mxnet.nd.NDArray,
                 one: mxnet.nd.NDArray) -> mnp.ndarray:
    """``weight - direction / inverse_scale``."""
    return mxnet.nd.lamb_update_phase2(_legacy(weight), direction, one, inverse_scale, lr=1.0).as_np_ndarray()


def _writable(slot: mnp.ndarray) -> mnp.ndarray:
    """``slot`` itself when donated, else a copy a kernel may overwrite."""
    return slot if is_donated(slot) else slot.copy()


def _inverse(scale: mnp.ndarray) -> mxnet.nd.NDArray:
    return _legacy(mnp.reciprocal(scale).reshape((1,)))


def adam(beta_1: float, beta_2: float, epsilon: float) -> Update | None:
    """The "adam" rule: ``param -= step_size * m / (sqrt(v) + epsilon)`` with the uncorrected
    ``v`` and ``step_size = lr * sqrt(1 - beta_2**t) / (1 - beta_1**t)``; None for betas too
    close to 1 for float32."""
    if not (_float32_exact_enough(beta_1) and _float32_exact_enough(beta_2)):
        return None

    def update(grads: list[Any], params: list[Any], slots: list[dict[str, Any]], learning_rate: Any,
               step: Any) -> tuple[list[Any], list[dict[str, Any]]]:
        inverse_step = _legacy(_inverse_step_size(beta_1, beta_2, learning_rate, step))
        one = _legacy(shared_constant(1.0, "float32", (1,)))
        new_params, new_slots = [], []
        for grad, param, param_slots in zip(grads, params, slots):
            momentum, velocity = _writable(param_slots["momentum"]), _writable(param_slots["velocity"])
            direction = mxnet.nd.lamb_update_phase1(
                _legacy(param), _legacy(grad), _legacy(momentum), _legacy(velocity), beta1=beta_1, beta2=beta_2,
                epsilon=epsilon, t=1, bias_correction=False, wd=0.0)
            new_params.append(_scaled_step(param, direction, inverse_step, one))
            new_slots.append({"momentum": momentum, "velocity": velocity})
        return new_params, new_slots

    return update


def sgd(momentum: float) -> Update:
    """The "sgd" rule: ``velocity = momentum * velocity - lr * grad; param += velocity``, or
    ``param -= lr * grad`` without momentum."""

    def update(grads: list[Any], params: list[Any], slots: list[dict[str, Any]], learning_rate: Any,
               step: Any) -> tuple[list[Any], list[dict[str, Any]]]:
        inverse_rate, one = _inverse(learning_rate), _legacy(shared_constant(1.0, "float32", (1,)))
        if momentum == 0:
            return [_scaled_step(param, _legacy(grad), inverse_rate, one) for grad, param in zip(grads, params)], slots
        velocities = [_scaled_step(param_slots["momentum"] * momentum, _legacy(grad), inverse_rate, one)
                      for grad, param_slots in zip(grads, slots)]
        return ([param + velocity for param, velocity in zip(params, velocities)],
                [{"momentum": velocity} for velocity in velocities])

    return update


_RULES: dict[str, Callable[..., Update | None]] = {"adam": adam, "sgd": sgd}
_KERNEL_DTYPES = frozenset({"float32"})


def fused_update(rule: str, hyperparameters: Mapping[str, Any], param_dtypes: Sequence[str]) -> Update | None:
    """The update for ``rule`` on float32 parameters; None for other rules and dtypes (on
    float16 the kernels would keep the moments in float16, unlike the generic ops) and for
    hyperparameters the kernels cannot hold exactly enough."""
    factory = _RULES.get(rule)
    if factory is None or not set(param_dtypes) <= _KERNEL_DTYPES:
        return None
    return factory(**hyperparameters)
