"""Stochastic gradient descent, with optional (Nesterov) momentum, as in Keras 3."""

from __future__ import annotations

from typing import Any

from oneiros import arguments, ops
from oneiros.optimizers._base import FusedRule, Optimizer, zeros_slots


class SGD(Optimizer):
    """``velocity = momentum * velocity - lr * grad``; ``param += velocity`` (Nesterov:
    ``param += momentum * velocity - lr * grad``). Without momentum, ``param -= lr * grad``."""

    keras_slot_groups = (("momentum",),)

    def __init__(self, learning_rate: Any = 0.01, momentum: float = 0.0, nesterov: bool = False,
                 weight_decay: float | None = None, clipnorm: float | None = None,
                 clipvalue: float | None = None, global_clipnorm: float | None = None,
                 name: str | None = None, **kwargs: Any):
        owner = type(self).__name__
        momentum = arguments.real(owner, "momentum", momentum, minimum=0, maximum=1)
        nesterov = arguments.flag(owner, "nesterov", nesterov)
        super().__init__(learning_rate=learning_rate, weight_decay=weight_decay, clipnorm=clipnorm,
                         clipvalue=clipvalue, global_clipnorm=global_clipnorm, name=name, **kwargs)
        self.momentum = momentum
        self.nesterov = nesterov

    def init_slots(self, param: Any) -> dict[str, Any]:
        return zeros_slots(param, "momentum") if self.momentum != 0 else {}

    def update_step(self, grad: Any, param: Any, slots: dict[str, Any], learning_rate: Any,
                    step: Any) -> tuple[Any, dict[str, Any]]:
        scaled_grad = ops.multiply(grad, learning_rate)
        if self.momentum == 0:
            return ops.subtract(param, scaled_grad), slots
        velocity = ops.subtract(ops.multiply(slots["momentum"], self.momentum), scaled_grad)
        if self.nesterov:
            change = ops.subtract(ops.multiply(velocity, self.momentum), scaled_grad)
        else:
            change = velocity
        return ops.add(param, change), {"momentum": velocity}

    def fused_rule(self) -> FusedRule | None:
        """Rule "sgd" (without Nesterov): the update above, ``momentum`` 0 meaning no slot."""
        if self.nesterov:
            return None
        return FusedRule("sgd", {"momentum": self.momentum})

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "momentum": self.momentum, "nesterov": self.nesterov}
