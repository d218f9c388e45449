"""ScheduleFreeAdamW: AdamW without a learning-rate schedule (Defazio et al., 2024), as in Keras 3."""

from __future__ import annotations

from typing import Any

from oneiros import arguments, ops
from oneiros.optimizers._base import Optimizer


class ScheduleFreeAdamW(Optimizer):
    """Schedule-free AdamW with Keras 3's arguments and update: the gradient steps move the
    slot ``momentum`` (z, started at the parameter), ``velocity`` is Adam's second moment, and the
    parameter is the interpolation ``y = (1 - beta_1) z + beta_1 x`` of z and its running average
    x (the average has weight ``1 / step``)::

        v += (1 - beta_2) (g^2 - v);   z -= lr g / (sqrt(v / (1 - beta_2^t)) + epsilon)
        x = (y - (1 - beta_1) z_old) / beta_1;   x = (1 - 1/t) x + z / t;   y = (1 - beta_1) z + beta_1 x

    ``warmup_steps`` scales the rate by ``min(t / warmup_steps, 1)``. Weight decay is decoupled,
    applied to the parameter before the step, as for every optimizer.

    Example::

        model.compile(optimizer=oi.optimizers.ScheduleFreeAdamW(learning_rate=0.0025), loss="mse")
    """

    def __init__(self, learning_rate: Any = 0.0025, beta_1: float = 0.9, beta_2: float = 0.999,
                 epsilon: float = 1e-8, warmup_steps: int = 0, weight_decay: float | None = None,
                 clipnorm: float | None = None, clipvalue: float | None = None,
                 global_clipnorm: float | None = None, name: str | None = None, **kwargs: Any):
        owner = type(self).__name__
        beta_1 = arguments.real(owner, "beta_1", beta_1, minimum=0, maximum=1, exclusive_minimum=True)
        beta_2 = arguments.real(owner, "beta_2", beta_2, minimum=0, maximum=1)
        epsilon = arguments.real(owner, "epsilon", epsilon, minimum=0)
        if isinstance(warmup_steps, bool) or not isinstance(warmup_steps, int) or warmup_steps < 0:
            raise ValueError(f"{owner}: argument `warmup_steps` must be an int >= 0; received "
                             f"warmup_steps={warmup_steps!r}.")
        super().__init__(learning_rate=learning_rate, weight_decay=weight_decay, clipnorm=clipnorm,
                         clipvalue=clipvalue, global_clipnorm=global_clipnorm, name=name, **kwargs)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.warmup_steps = warmup_steps

    def init_slots(self, param: Any) -> dict[str, Any]:
        return {"momentum": ops.add(param, ops.zeros_like(param)), "velocity": ops.zeros_like(param)}

    def update_step(self, grad: Any, param: Any, slots: dict[str, Any], learning_rate: Any,
                    step: Any) -> tuple[Any, dict[str, Any]]:
        if self.warmup_steps > 0:
            learning_rate = ops.multiply(learning_rate, ops.minimum(ops.divide(step, float(self.warmup_steps)), 1.0))
        momentum_old, velocity = slots["momentum"], slots["velocity"]
        velocity = ops.add(velocity, ops.multiply(ops.subtract(ops.square(grad), velocity), 1.0 - self.beta_2))
        correction = ops.subtract(1.0, ops.power(ops.cast(self.beta_2, ops.dtype(step)), step))
        denominator = ops.add(ops.sqrt(ops.divide(velocity, correction)), self.epsilon)
        momentum = ops.subtract(momentum_old, ops.divide(ops.multiply(learning_rate, grad), denominator))
        weight = ops.divide(1.0, step)
        average = ops.divide(ops.subtract(param, ops.multiply(momentum_old, 1.0 - self.beta_1)), self.beta_1)
        average = ops.add(ops.multiply(average, ops.subtract(1.0, weight)), ops.multiply(momentum, weight))
        new_param = ops.add(ops.multiply(momentum, 1.0 - self.beta_1), ops.multiply(average, self.beta_1))
        return new_param, {"momentum": momentum, "velocity": velocity}

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon,
                "warmup_steps": self.warmup_steps}
