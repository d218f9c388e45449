"""RMSprop, plain, centered and with momentum, as in Keras 3."""

from __future__ import annotations

from typing import Any

from oneiros import arguments, ops
from oneiros.optimizers._base import Optimizer, zeros_slots


class RMSprop(Optimizer):
    """``velocity = rho * velocity + (1 - rho) * grad**2``;
    ``increment = lr * grad / sqrt(velocity + epsilon)`` (centered: ``velocity - mean_grad**2``
    under the root); ``param -= increment``, or with momentum
    ``momentum_slot = momentum * momentum_slot + increment; param -= momentum_slot``."""

    keras_slot_groups = (("velocity",), ("momentum",), ("average_gradient",))

    def __init__(self, learning_rate: Any = 0.001, rho: float = 0.9, momentum: float = 0.0,
                 epsilon: float = 1e-7, centered: bool = False, weight_decay: float | None = None,
                 clipnorm: float | None = None, clipvalue: float | None = None,
                 global_clipnorm: float | None = None, name: str | None = None, **kwargs: Any):
        owner = type(self).__name__
        rho = arguments.real(owner, "rho", rho, minimum=0, maximum=1)
        momentum = arguments.real(owner, "momentum", momentum, minimum=0, maximum=1)
        epsilon = arguments.real(owner, "epsilon", epsilon, minimum=0)
        centered = arguments.flag(owner, "centered", centered)
        super().__init__(learning_rate=learning_rate, weight_decay=weight_decay, clipnorm=clipnorm,
                         clipvalue=clipvalue, global_clipnorm=global_clipnorm, name=name, **kwargs)
        self.rho = rho
        self.momentum = momentum
        self.epsilon = epsilon
        self.centered = centered

    def init_slots(self, param: Any) -> dict[str, Any]:
        names = ["velocity"]
        if self.momentum > 0:
            names.append("momentum")
        if self.centered:
            names.append("average_gradient")
        return zeros_slots(param, *names)

    def update_step(self, grad: Any, param: Any, slots: dict[str, Any], learning_rate: Any,
                    step: Any) -> tuple[Any, dict[str, Any]]:
        rho = self.rho
        velocity = ops.add(ops.multiply(slots["velocity"], rho),
                           ops.multiply(ops.square(grad), 1 - rho))
        new_slots = {"velocity": velocity}
        if self.centered:
            average_grad = ops.add(ops.multiply(slots["average_gradient"], rho),
                                   ops.multiply(grad, 1 - rho))
            new_slots["average_gradient"] = average_grad
            denominator = ops.add(ops.subtract(velocity, ops.square(average_grad)), self.epsilon)
        else:
            denominator = ops.add(velocity, self.epsilon)
        increment = ops.divide(ops.multiply(grad, learning_rate), ops.sqrt(denominator))
        if self.momentum > 0:
            increment = ops.add(ops.multiply(slots["momentum"], self.momentum), increment)
            new_slots["momentum"] = increment
        return ops.subtract(param, increment), new_slots

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "rho": self.rho, "momentum": self.momentum,
                "epsilon": self.epsilon, "centered": self.centered}
