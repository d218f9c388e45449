"""Accumulator-based optimizers as in Keras 3: Adagrad and Adadelta."""

from __future__ import annotations

from typing import Any

from oneiros import arguments, ops
from oneiros.optimizers._base import Optimizer, zeros_slots


class Adagrad(Optimizer):
    """``accumulator += grad**2``; ``param -= lr * grad / sqrt(accumulator + epsilon)``, the
    accumulator starting at ``initial_accumulator_value``."""

    def __init__(self, learning_rate: Any = 0.001, initial_accumulator_value: float = 0.1,
                 epsilon: float = 1e-7, weight_decay: float | None = None,
                 clipnorm: float | None = None, clipvalue: float | None = None,
                 global_clipnorm: float | None = None, name: str | None = None, **kwargs: Any):
        owner = type(self).__name__
        initial_accumulator_value = arguments.real(owner, "initial_accumulator_value",
                                                   initial_accumulator_value, minimum=0)
        epsilon = arguments.real(owner, "epsilon", epsilon, minimum=0)
        super().__init__(learning_rate=learning_rate, weight_decay=weight_decay, clipnorm=clipnorm,
                         clipvalue=clipvalue, global_clipnorm=global_clipnorm, name=name, **kwargs)
        self.initial_accumulator_value = initial_accumulator_value
        self.epsilon = epsilon

    def init_slots(self, param: Any) -> dict[str, Any]:
        return {"accumulator": ops.full_like(param, self.initial_accumulator_value)}

    def update_step(self, grad: Any, param: Any, slots: dict[str, Any], learning_rate: Any,
                    step: Any) -> tuple[Any, dict[str, Any]]:
        accumulator = ops.add(slots["accumulator"], ops.square(grad))
        change = ops.divide(ops.multiply(grad, learning_rate),
                            ops.sqrt(ops.add(accumulator, self.epsilon)))
        return ops.subtract(param, change), {"accumulator": accumulator}

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "initial_accumulator_value": self.initial_accumulator_value,
                "epsilon": self.epsilon}


class Adadelta(Optimizer):
    """``E[g²] = rho E[g²] + (1-rho) grad²``; ``delta = -sqrt(E[Δ²] + eps) / sqrt(E[g²] + eps) *
    grad``; ``E[Δ²] = rho E[Δ²] + (1-rho) delta²``; ``param += lr * delta``."""

    def __init__(self, learning_rate: Any = 0.001, rho: float = 0.95, epsilon: float = 1e-7,
                 weight_decay: float | None = None, clipnorm: float | None = None,
                 clipvalue: float | None = None, global_clipnorm: float | None = None,
                 name: str | None = None, **kwargs: Any):
        owner = type(self).__name__
        rho = arguments.real(owner, "rho", rho, minimum=0, maximum=1)
        epsilon = arguments.real(owner, "epsilon", epsilon, minimum=0)
        super().__init__(learning_rate=learning_rate, weight_decay=weight_decay, clipnorm=clipnorm,
                         clipvalue=clipvalue, global_clipnorm=global_clipnorm, name=name, **kwargs)
        self.rho = rho
        self.epsilon = epsilon

    def init_slots(self, param: Any) -> dict[str, Any]:
        return zeros_slots(param, "accumulated_grad", "accumulated_delta_var")

    def _average(self, average: Any, value: Any) -> Any:
        return ops.add(ops.multiply(average, self.rho), ops.multiply(ops.square(value), 1 - self.rho))

    def update_step(self, grad: Any, param: Any, slots: dict[str, Any], learning_rate: Any,
                    step: Any) -> tuple[Any, dict[str, Any]]:
        accumulated_grad = self._average(slots["accumulated_grad"], grad)
        delta = ops.negative(ops.divide(
            ops.multiply(ops.sqrt(ops.add(slots["accumulated_delta_var"], self.epsilon)), grad),
            ops.sqrt(ops.add(accumulated_grad, self.epsilon))))
        accumulated_delta_var = self._average(slots["accumulated_delta_var"], delta)
        return (ops.add(param, ops.multiply(delta, learning_rate)),
                {"accumulated_grad": accumulated_grad, "accumulated_delta_var": accumulated_delta_var})

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "rho": self.rho, "epsilon": self.epsilon}
