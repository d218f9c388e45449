"""Lion (evolved sign momentum) as in Keras 3."""

from __future__ import annotations

from typing import Any

from oneiros import arguments, ops
from oneiros.optimizers._base import Optimizer, zeros_slots


class Lion(Optimizer):
    """``param -= lr * sign(beta_1 * m + (1 - beta_1) * grad)``, then
    ``m = beta_2 * m + (1 - beta_2) * grad``."""

    def __init__(self, learning_rate: Any = 0.001, beta_1: float = 0.9, beta_2: float = 0.99,
                 weight_decay: float | None = None, clipnorm: float | None = None,
                 clipvalue: float | None = None, global_clipnorm: float | None = None,
                 name: str | None = None, **kwargs: Any):
        owner = type(self).__name__
        # beta_1 = 0 would make Lion plain sign SGD, which Keras refuses too.
        beta_1 = arguments.real(owner, "beta_1", beta_1, minimum=0, maximum=1, exclusive_minimum=True)
        beta_2 = arguments.real(owner, "beta_2", beta_2, minimum=0, maximum=1)
        super().__init__(learning_rate=learning_rate, weight_decay=weight_decay, clipnorm=clipnorm,
                         clipvalue=clipvalue, global_clipnorm=global_clipnorm, name=name, **kwargs)
        self.beta_1 = beta_1
        self.beta_2 = beta_2

    def init_slots(self, param: Any) -> dict[str, Any]:
        return zeros_slots(param, "momentum")

    def update_step(self, grad: Any, param: Any, slots: dict[str, Any], learning_rate: Any,
                    step: Any) -> tuple[Any, dict[str, Any]]:
        momentum = slots["momentum"]
        direction = ops.sign(ops.add(ops.multiply(momentum, self.beta_1),
                                     ops.multiply(grad, 1.0 - self.beta_1)))
        new_momentum = ops.add(ops.multiply(momentum, self.beta_2), ops.multiply(grad, 1.0 - self.beta_2))
        return ops.subtract(param, ops.multiply(direction, learning_rate)), {"momentum": new_momentum}

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2}
