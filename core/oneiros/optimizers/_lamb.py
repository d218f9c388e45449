"""LAMB (You et al. 2019): Adam's direction rescaled per layer by the trust ratio, as in Keras 3."""

from __future__ import annotations

from typing import Any

from oneiros import arguments, ops
from oneiros.optimizers._base import Optimizer, zeros_slots


class Lamb(Optimizer):
    """``param -= lr * (|param| / |u|) * u`` with ``u`` Adam's bias-corrected update; the ratio is 1
    when either norm is 0.

    Example:
        >>> optimizer = oi.optimizers.Lamb(learning_rate=0.01)
    """

    def __init__(self, learning_rate: Any = 0.001, beta_1: float = 0.9, beta_2: float = 0.999,
                 epsilon: float = 1e-7, weight_decay: float | None = None, clipnorm: float | None = None,
                 clipvalue: float | None = None, global_clipnorm: float | None = None,
                 name: str | None = None, **kwargs: Any):
        owner = type(self).__name__
        self.beta_1 = arguments.real(owner, "beta_1", beta_1, minimum=0, maximum=1, exclusive_maximum=True)
        self.beta_2 = arguments.real(owner, "beta_2", beta_2, minimum=0, maximum=1, exclusive_maximum=True)
        self.epsilon = arguments.real(owner, "epsilon", epsilon, minimum=0)
        super().__init__(learning_rate=learning_rate, weight_decay=weight_decay, clipnorm=clipnorm,
                         clipvalue=clipvalue, global_clipnorm=global_clipnorm, name=name, **kwargs)

    def init_slots(self, param: Any) -> dict[str, Any]:
        return zeros_slots(param, "momentum", "velocity")

    def update_step(self, grad: Any, param: Any, slots: dict[str, Any], learning_rate: Any,
                    step: Any) -> tuple[Any, dict[str, Any]]:
        momentum = ops.add(slots["momentum"], ops.multiply(ops.subtract(grad, slots["momentum"]), 1.0 - self.beta_1))
        velocity = ops.add(slots["velocity"],
                           ops.multiply(ops.subtract(ops.square(grad), slots["velocity"]), 1.0 - self.beta_2))
        momentum_hat = ops.divide(momentum, ops.subtract(1.0, ops.power(self.beta_1, step)))
        velocity_hat = ops.divide(velocity, ops.subtract(1.0, ops.power(self.beta_2, step)))
        update = ops.divide(momentum_hat, ops.add(ops.sqrt(velocity_hat), self.epsilon))
        param_norm, update_norm = ops.norm(ops.reshape(param, (-1,))), ops.norm(ops.reshape(update, (-1,)))
        both_positive = ops.logical_and(ops.greater(param_norm, 0.0), ops.greater(update_norm, 0.0))
        safe_update_norm = ops.where(ops.greater(update_norm, 0.0), update_norm, ops.ones_like(update_norm))
        trust_ratio = ops.where(both_positive, ops.divide(param_norm, safe_update_norm), ops.ones_like(param_norm))
        new_param = ops.subtract(param, ops.multiply(ops.multiply(trust_ratio, learning_rate), update))
        return new_param, {"momentum": momentum, "velocity": velocity}

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon}
