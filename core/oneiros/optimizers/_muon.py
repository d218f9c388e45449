"""Muon: momentum orthogonalized by Newton-Schulz iterations, with AdamW for the other variables,
as Keras 3's."""

from __future__ import annotations

import math
import re
from typing import Any

from oneiros import arguments, ops
from oneiros.optimizers._adam import _check_betas_and_epsilon, _moving_average, _one_minus_power
from oneiros.optimizers._base import Optimizer, zeros_slots

NORM_EPSILON = 1e-7
"""Added to the Frobenius norm before the Newton-Schulz iterations, as Keras does."""


def _transposed(x: Any) -> Any:
    return ops.swapaxes(x, -2, -1)


def newton_schulz(x: Any, steps: int, a: float, b: float, c: float) -> Any:
    """The quintic Newton-Schulz iteration ``x <- a x + (b A + c A^2) x`` with ``A = x x^T``, run
    ``steps`` times on ``x`` scaled to Frobenius norm 1 (on the transpose when ``x`` is taller than
    wide): an approximation of the orthogonal factor ``U V^T`` of ``x``'s SVD."""
    shape = ops.shape(x)
    if len(shape) < 2:
        raise ValueError(f"Muon orthogonalizes matrices; received a tensor of shape {tuple(shape)}.")
    tall = shape[-2] > shape[-1]
    if tall:
        x = _transposed(x)
    x = ops.divide(x, ops.add(ops.norm(x, axis=(-2, -1), keepdims=True), NORM_EPSILON))
    for _ in range(steps):
        gram = ops.matmul(x, _transposed(x))
        polynomial = ops.add(ops.multiply(b, gram), ops.multiply(c, ops.matmul(gram, gram)))
        x = ops.add(ops.multiply(a, x), ops.matmul(polynomial, x))
    return _transposed(x) if tall else x


class Muon(Optimizer):
    """Muon (Jordan et al., 2024) with Keras 3's arguments and rules. A 2-D variable takes the Muon
    step: ``m = g + momentum * m``; the update ``N = newton_schulz(g + momentum * m)`` (Nesterov, or
    ``m``) is scaled by ``sqrt(max(rows, cols)) * rms_rate`` (Moonlight's rule; none when
    ``rms_rate`` is None) and ``param -= lr * N * scale``. Every other variable takes an AdamW step
    (rate ``lr * adam_lr_ratio``, weight decay ``adam_weight_decay``): those that are not 2-D,
    those whose path contains "embedding" (any case) when ``exclude_embeddings``, and those whose
    path matches (``re.search``) an expression of ``exclude_layers`` — typically the output layer.

    Its AdamW variables are the ones with a ``velocity`` slot, so the choice made from the paths at
    :meth:`init` is part of the state and ``apply`` stays pure.

    Example::

        model.compile(optimizer=oi.optimizers.Muon(exclude_layers=["output"]), loss="mse")
    """

    def __init__(self, learning_rate: Any = 0.001, adam_beta_1: float = 0.9, adam_beta_2: float = 0.999,
                 adam_weight_decay: float | None = 0.004, epsilon: float = 1e-7,
                 weight_decay: float | None = 0.004, clipnorm: float | None = None,
                 clipvalue: float | None = None, global_clipnorm: float | None = None,
                 use_ema: bool = False, ema_momentum: float = 0.99, ema_overwrite_frequency: int | None = None,
                 name: str | None = None, exclude_layers: list[str] | None = None,
                 exclude_embeddings: bool = True, muon_a: float = 3.4445, muon_b: float = -4.7750,
                 muon_c: float = 2.0315, adam_lr_ratio: float = 1, momentum: float = 0.95, ns_steps: int = 5,
                 nesterov: bool = True, rms_rate: float | None = 0.2, **kwargs: Any):
        owner = type(self).__name__
        self.adam_beta_1, self.adam_beta_2, self.epsilon = _check_betas_and_epsilon(owner, adam_beta_1, adam_beta_2,
                                                                                      epsilon)
        self.adam_weight_decay = arguments.real(owner, "adam_weight_decay", adam_weight_decay, minimum=0,
                                                optional=True)
        if exclude_layers is not None and (isinstance(exclude_layers, str) or not isinstance(exclude_layers, (list, tuple))
                                           or not all(isinstance(item, str) for item in exclude_layers)):
            raise TypeError(f"{owner}: argument `exclude_layers` must be None or a list of regular expressions "
                            f"(strings); received exclude_layers={exclude_layers!r}.")
        for pattern in exclude_layers or []:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"{owner}: argument `exclude_layers` holds {pattern!r}, which is not a regular "
                                 f"expression ({exc}).") from None
        self.exclude_layers = list(exclude_layers or [])
        self.exclude_embeddings = arguments.flag(owner, "exclude_embeddings", exclude_embeddings)
        self.muon_a, self.muon_b, self.muon_c = (arguments.real(owner, key, value) for key, value in
                                                 (("muon_a", muon_a), ("muon_b", muon_b), ("muon_c", muon_c)))
        self.adam_lr_ratio = arguments.real(owner, "adam_lr_ratio", adam_lr_ratio, minimum=0)
        self.momentum = arguments.fraction(owner, "momentum", momentum)
        self.ns_steps = arguments.integer(owner, "ns_steps", ns_steps, minimum=0)
        self.nesterov = arguments.flag(owner, "nesterov", nesterov)
        self.rms_rate = arguments.real(owner, "rms_rate", rms_rate, minimum=0, exclusive_minimum=True,
                                       optional=True)
        super().__init__(learning_rate=learning_rate, weight_decay=weight_decay, clipnorm=clipnorm,
                         clipvalue=clipvalue, global_clipnorm=global_clipnorm, name=name, use_ema=use_ema,
                         ema_momentum=ema_momentum, ema_overwrite_frequency=ema_overwrite_frequency, **kwargs)

    def uses_adamw(self, shape: tuple[int, ...], path: str) -> bool:
        """Keras's rule: the variable at ``path`` of this ``shape`` takes the AdamW step."""
        if len(shape) != 2:
            return True
        if self.exclude_embeddings and "embedding" in path.lower():
            return True
        return any(re.search(pattern, path) for pattern in self.exclude_layers)

    def init_slots(self, param: Any) -> dict[str, Any]:
        return self.slots_for(param, "")

    def slots_for(self, param: Any, path: str) -> dict[str, Any]:
        if self.uses_adamw(tuple(ops.shape(param)), path):
            return zeros_slots(param, "momentum", "velocity")
        return zeros_slots(param, "momentum")

    def weight_decay_for(self, slots: dict[str, Any]) -> float | None:
        return self.adam_weight_decay if "velocity" in slots else self.weight_decay

    def update_step(self, grad: Any, param: Any, slots: dict[str, Any], learning_rate: Any,
                    step: Any) -> tuple[Any, dict[str, Any]]:
        if "velocity" in slots:
            return self._adamw_step(grad, param, slots, ops.multiply(learning_rate, self.adam_lr_ratio), step)
        return self._muon_step(grad, param, slots, learning_rate)

    def _muon_step(self, grad: Any, param: Any, slots: dict[str, Any], learning_rate: Any) -> tuple[Any, dict[str, Any]]:
        momentum = ops.add(slots["momentum"], ops.add(grad, ops.multiply(slots["momentum"], self.momentum - 1)))
        direction = ops.add(grad, ops.multiply(self.momentum, momentum)) if self.nesterov else momentum
        change = ops.multiply(learning_rate, newton_schulz(direction, self.ns_steps, self.muon_a, self.muon_b,
                                                           self.muon_c))
        if self.rms_rate is not None:
            rows, cols = ops.shape(param)[:2]
            change = ops.multiply(ops.multiply(change, math.sqrt(max(rows, cols))), self.rms_rate)
        return ops.subtract(param, change), {"momentum": momentum}

    def _adamw_step(self, grad: Any, param: Any, slots: dict[str, Any], learning_rate: Any,
                    step: Any) -> tuple[Any, dict[str, Any]]:
        step_size = ops.divide(ops.multiply(learning_rate, ops.sqrt(_one_minus_power(self.adam_beta_2, step))),
                               _one_minus_power(self.adam_beta_1, step))
        momentum = _moving_average(slots["momentum"], grad, self.adam_beta_1)
        velocity = _moving_average(slots["velocity"], ops.square(grad), self.adam_beta_2)
        change = ops.divide(ops.multiply(momentum, step_size), ops.add(ops.sqrt(velocity), self.epsilon))
        return ops.subtract(param, change), {"momentum": momentum, "velocity": velocity}

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "adam_beta_1": self.adam_beta_1, "adam_beta_2": self.adam_beta_2,
                "epsilon": self.epsilon, "exclude_layers": list(self.exclude_layers), "muon_a": self.muon_a,
                "muon_b": self.muon_b, "muon_c": self.muon_c, "adam_lr_ratio": self.adam_lr_ratio,
                "momentum": self.momentum, "ns_steps": self.ns_steps, "nesterov": self.nesterov,
                "exclude_embeddings": self.exclude_embeddings, "adam_weight_decay": self.adam_weight_decay,
                "rms_rate": self.rms_rate}
