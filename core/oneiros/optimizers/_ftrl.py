"""FTRL-Proximal (McMahan et al. 2013) as in Keras 3, with its L2 shrinkage and ``beta`` term."""

from __future__ import annotations

from typing import Any

from oneiros import arguments, ops
from oneiros.optimizers._base import Optimizer


class Ftrl(Optimizer):
    """Follow-the-regularized-leader: per coordinate, ``param`` is the closed-form minimizer of the
    accumulated linear loss plus L1/L2 penalties, with an Adagrad-like step ``accum ** lr_power``.

    Example:
        >>> optimizer = oi.optimizers.Ftrl(learning_rate=0.05, l1_regularization_strength=0.01)
    """

    def __init__(self, learning_rate: Any = 0.001, learning_rate_power: float = -0.5,
                 initial_accumulator_value: float = 0.1, l1_regularization_strength: float = 0.0,
                 l2_regularization_strength: float = 0.0, l2_shrinkage_regularization_strength: float = 0.0,
                 beta: float = 0.0, weight_decay: float | None = None, clipnorm: float | None = None,
                 clipvalue: float | None = None, global_clipnorm: float | None = None,
                 name: str | None = None, **kwargs: Any):
        owner = type(self).__name__
        self.learning_rate_power = arguments.real(owner, "learning_rate_power", learning_rate_power, maximum=0)
        self.initial_accumulator_value = arguments.real(owner, "initial_accumulator_value",
                                                        initial_accumulator_value, minimum=0)
        self.l1_regularization_strength = arguments.real(owner, "l1_regularization_strength",
                                                         l1_regularization_strength, minimum=0)
        self.l2_regularization_strength = arguments.real(owner, "l2_regularization_strength",
                                                         l2_regularization_strength, minimum=0)
        self.l2_shrinkage_regularization_strength = arguments.real(
            owner, "l2_shrinkage_regularization_strength", l2_shrinkage_regularization_strength, minimum=0)
        self.beta = arguments.real(owner, "beta", beta)
        super().__init__(learning_rate=learning_rate, weight_decay=weight_decay, clipnorm=clipnorm,
                         clipvalue=clipvalue, global_clipnorm=global_clipnorm, name=name, **kwargs)

    def init_slots(self, param: Any) -> dict[str, Any]:
        return {"accumulator": ops.full(ops.shape(param), self.initial_accumulator_value, ops.dtype(param)),
                "linear": ops.zeros_like(param)}

    def update_step(self, grad: Any, param: Any, slots: dict[str, Any], learning_rate: Any,
                    step: Any) -> tuple[Any, dict[str, Any]]:
        power = -self.learning_rate_power
        accumulator = slots["accumulator"]
        new_accumulator = ops.add(accumulator, ops.square(grad))
        shrunk_grad = ops.add(grad, ops.multiply(param, 2.0 * self.l2_shrinkage_regularization_strength))
        sigma = ops.divide(ops.subtract(ops.power(new_accumulator, power), ops.power(accumulator, power)),
                           learning_rate)
        linear = ops.add(slots["linear"], ops.subtract(shrunk_grad, ops.multiply(sigma, param)))
        l2 = ops.add(self.l2_regularization_strength, ops.divide(self.beta / 2.0, learning_rate))
        quadratic = ops.add(ops.divide(ops.power(new_accumulator, power), learning_rate), ops.multiply(l2, 2.0))
        l1 = self.l1_regularization_strength
        new_param = ops.divide(ops.subtract(ops.clip(linear, -l1, l1), linear), quadratic)
        return new_param, {"accumulator": new_accumulator, "linear": linear}

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "learning_rate_power": self.learning_rate_power,
                "initial_accumulator_value": self.initial_accumulator_value,
                "l1_regularization_strength": self.l1_regularization_strength,
                "l2_regularization_strength": self.l2_regularization_strength,
                "l2_shrinkage_regularization_strength": self.l2_shrinkage_regularization_strength,
                "beta": self.beta}
