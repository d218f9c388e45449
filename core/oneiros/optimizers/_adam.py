"""The Adam family as in Keras 3: Adam (optionally AMSGrad), AdamW, Adamax and Nadam.

Keras folds Adam's bias corrections into the step size, ``lr * sqrt(1 - beta_2**t) /
(1 - beta_1**t)``, and adds ``epsilon`` to the uncorrected ``sqrt(v)``, so its epsilon acts like
``epsilon / sqrt(1 - beta_2**t)`` in the textbook (and optax) form.
"""

from __future__ import annotations

import math
from typing import Any

from oneiros import arguments, ops
from oneiros.optimizers._base import FusedRule, Optimizer, zeros_slots


def _check_betas_and_epsilon(owner: str, beta_1: float, beta_2: float,
                             epsilon: float) -> tuple[float, float, float]:
    return (arguments.real(owner, "beta_1", beta_1, minimum=0, maximum=1, exclusive_maximum=True),
            arguments.real(owner, "beta_2", beta_2, minimum=0, maximum=1, exclusive_maximum=True),
            arguments.real(owner, "epsilon", epsilon, minimum=0))


def _one_minus_power(beta: float, step: Any) -> Any:
    """``1 - beta**step`` as ``-expm1(step * log(beta))``: accurate to float32 precision even for
    beta near 1, where ``1 - float32(0.999)**t`` keeps only a few digits and disagrees (by ~1e-5
    relative) with the moment update's ``1 - beta``, biasing every step slightly."""
    log_beta = math.log(beta) if beta > 0 else -math.inf
    return ops.negative(ops.expm1(ops.multiply(step, log_beta)))


def _moving_average(average: Any, value: Any, decay: float) -> Any:
    """``average + (value - average) * (1 - decay)``, Keras's form of the moment update."""
    return ops.add(average, ops.multiply(ops.subtract(value, average), 1 - decay))


class Adam(Optimizer):
    """Adam: ``m``, ``v`` moving averages of the gradient and its square;
    ``param -= lr * sqrt(1 - beta_2**t) / (1 - beta_1**t) * m / (sqrt(v) + epsilon)``.
    With ``amsgrad`` the running maximum of ``v`` replaces ``v``."""

    keras_slot_groups = (("momentum", "velocity"), ("velocity_hat",))

    def __init__(self, learning_rate: Any = 0.001, beta_1: float = 0.9, beta_2: float = 0.999,
                 epsilon: float = 1e-7, amsgrad: bool = False, weight_decay: float | None = None,
                 clipnorm: float | None = None, clipvalue: float | None = None,
                 global_clipnorm: float | None = None, name: str | None = None, **kwargs: Any):
        owner = type(self).__name__
        beta_1, beta_2, epsilon = _check_betas_and_epsilon(owner, beta_1, beta_2, epsilon)
        amsgrad = arguments.flag(owner, "amsgrad", amsgrad)
        super().__init__(learning_rate=learning_rate, weight_decay=weight_decay, clipnorm=clipnorm,
                         clipvalue=clipvalue, global_clipnorm=global_clipnorm, name=name, **kwargs)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.amsgrad = amsgrad

    def init_slots(self, param: Any) -> dict[str, Any]:
        names = ("momentum", "velocity", "velocity_hat") if self.amsgrad else ("momentum", "velocity")
        return zeros_slots(param, *names)

    def step_scalars(self, learning_rate: Any, step: Any) -> dict[str, Any]:
        step_size = ops.divide(ops.multiply(learning_rate, ops.sqrt(_one_minus_power(self.beta_2, step))),
                               _one_minus_power(self.beta_1, step))
        return {**super().step_scalars(learning_rate, step), "step_size": step_size}

    def update_step(self, grad: Any, param: Any, slots: dict[str, Any], learning_rate: Any,
                    step: Any) -> tuple[Any, dict[str, Any]]:
        return self.update_with_scalars(grad, param, slots, self.step_scalars(learning_rate, step))

    def update_with_scalars(self, grad: Any, param: Any, slots: dict[str, Any],
                            scalars: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
        momentum = _moving_average(slots["momentum"], grad, self.beta_1)
        velocity = _moving_average(slots["velocity"], ops.square(grad), self.beta_2)
        new_slots = {"momentum": momentum, "velocity": velocity}
        if self.amsgrad:
            velocity = ops.maximum(slots["velocity_hat"], velocity)
            new_slots["velocity_hat"] = velocity
        change = ops.divide(ops.multiply(momentum, scalars["step_size"]), ops.add(ops.sqrt(velocity), self.epsilon))
        return ops.subtract(param, change), new_slots

    def fused_rule(self) -> FusedRule | None:
        """Rule "adam" (without AMSGrad): ``m``, ``v`` updated as above, then
        ``param -= step_size * m / (sqrt(v) + epsilon)`` with the bias-corrected step size."""
        if self.amsgrad:
            return None
        return FusedRule("adam", {"beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon})

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2,
                "epsilon": self.epsilon, "amsgrad": self.amsgrad}


class AdamW(Adam):
    """Adam with decoupled weight decay (``param -= param * weight_decay * lr`` before each
    update); ``weight_decay`` is required and defaults to 0.004, as in Keras."""

    def __init__(self, learning_rate: Any = 0.001, weight_decay: float = 0.004, beta_1: float = 0.9,
                 beta_2: float = 0.999, epsilon: float = 1e-7, amsgrad: bool = False,
                 clipnorm: float | None = None, clipvalue: float | None = None,
                 global_clipnorm: float | None = None, name: str | None = None, **kwargs: Any):
        if weight_decay is None:
            raise ValueError("AdamW: argument `weight_decay` must be a number >= 0; received "
                             "weight_decay=None (use Adam for no weight decay).")
        super().__init__(learning_rate=learning_rate, beta_1=beta_1, beta_2=beta_2, epsilon=epsilon,
                         amsgrad=amsgrad, weight_decay=weight_decay, clipnorm=clipnorm,
                         clipvalue=clipvalue, global_clipnorm=global_clipnorm, name=name, **kwargs)


class Adamax(Optimizer):
    """Adam with the infinity norm: ``u = max(beta_2 * u, |grad|)``;
    ``param -= lr * m / ((1 - beta_1**t) * (u + epsilon))``."""

    def __init__(self, learning_rate: Any = 0.001, beta_1: float = 0.9, beta_2: float = 0.999,
                 epsilon: float = 1e-7, weight_decay: float | None = None,
                 clipnorm: float | None = None, clipvalue: float | None = None,
                 global_clipnorm: float | None = None, name: str | None = None, **kwargs: Any):
        beta_1, beta_2, epsilon = _check_betas_and_epsilon(type(self).__name__, beta_1, beta_2, epsilon)
        super().__init__(learning_rate=learning_rate, weight_decay=weight_decay, clipnorm=clipnorm,
                         clipvalue=clipvalue, global_clipnorm=global_clipnorm, name=name, **kwargs)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon

    def init_slots(self, param: Any) -> dict[str, Any]:
        return zeros_slots(param, "momentum", "norm")

    def step_scalars(self, learning_rate: Any, step: Any) -> dict[str, Any]:
        return {**super().step_scalars(learning_rate, step),
                "correction": _one_minus_power(self.beta_1, step)}

    def update_step(self, grad: Any, param: Any, slots: dict[str, Any], learning_rate: Any,
                    step: Any) -> tuple[Any, dict[str, Any]]:
        return self.update_with_scalars(grad, param, slots, self.step_scalars(learning_rate, step))

    def update_with_scalars(self, grad: Any, param: Any, slots: dict[str, Any],
                            scalars: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
        momentum = _moving_average(slots["momentum"], grad, self.beta_1)
        norm = ops.maximum(ops.multiply(slots["norm"], self.beta_2), ops.abs(grad))
        denominator = ops.multiply(scalars["correction"], ops.add(norm, self.epsilon))
        change = ops.divide(ops.multiply(momentum, scalars["learning_rate"]), denominator)
        return ops.subtract(param, change), {"momentum": momentum, "norm": norm}

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2,
                "epsilon": self.epsilon}


class Nadam(Optimizer):
    """Adam with Nesterov momentum and Dozat's momentum schedule, as in Keras 3:
    ``u_t = beta_1 * (1 - 0.5 * 0.96**t)``, with the running product of ``u_t`` kept as the
    ``u_product`` slot (float32)."""

    MOMENTUM_DECAY = 0.96

    def __init__(self, learning_rate: Any = 0.001, beta_1: float = 0.9, beta_2: float = 0.999,
                 epsilon: float = 1e-7, weight_decay: float | None = None,
                 clipnorm: float | None = None, clipvalue: float | None = None,
                 global_clipnorm: float | None = None, name: str | None = None, **kwargs: Any):
        beta_1, beta_2, epsilon = _check_betas_and_epsilon(type(self).__name__, beta_1, beta_2, epsilon)
        super().__init__(learning_rate=learning_rate, weight_decay=weight_decay, clipnorm=clipnorm,
                         clipvalue=clipvalue, global_clipnorm=global_clipnorm, name=name, **kwargs)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon

    def init_slots(self, param: Any) -> dict[str, Any]:
        return {**zeros_slots(param, "momentum", "velocity"), "u_product": ops.ones((), "float32")}

    def _momentum_at(self, step: Any) -> Any:
        decay = ops.power(ops.convert_to_tensor(self.MOMENTUM_DECAY, ops.dtype(step)), step)
        return ops.multiply(ops.subtract(1.0, ops.multiply(decay, 0.5)), self.beta_1)

    def step_scalars(self, learning_rate: Any, step: Any) -> dict[str, Any]:
        return {**super().step_scalars(learning_rate, step), "u_t": self._momentum_at(step),
                "u_next": self._momentum_at(ops.add(step, 1)),
                "velocity_correction": _one_minus_power(self.beta_2, step)}

    def update_step(self, grad: Any, param: Any, slots: dict[str, Any], learning_rate: Any,
                    step: Any) -> tuple[Any, dict[str, Any]]:
        return self.update_with_scalars(grad, param, slots, self.step_scalars(learning_rate, step))

    def update_with_scalars(self, grad: Any, param: Any, slots: dict[str, Any],
                            scalars: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
        dtype = ops.dtype(param)
        u_t, u_next = scalars["u_t"], scalars["u_next"]
        u_product = ops.multiply(slots["u_product"], ops.cast(u_t, "float32"))
        u_product_t = ops.cast(u_product, dtype)
        u_product_next = ops.multiply(u_product_t, u_next)
        momentum = _moving_average(slots["momentum"], grad, self.beta_1)
        velocity = _moving_average(slots["velocity"], ops.square(grad), self.beta_2)
        momentum_hat = ops.add(ops.divide(ops.multiply(momentum, u_next), ops.subtract(1, u_product_next)),
                               ops.divide(ops.multiply(grad, ops.subtract(1, u_t)),
                                          ops.subtract(1, u_product_t)))
        velocity_hat = ops.divide(velocity, scalars["velocity_correction"])
        change = ops.divide(ops.multiply(momentum_hat, scalars["learning_rate"]),
                            ops.add(ops.sqrt(velocity_hat), self.epsilon))
        return ops.subtract(param, change), {"momentum": momentum, "velocity": velocity,
                                             "u_product": u_product}

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2,
                "epsilon": self.epsilon}
