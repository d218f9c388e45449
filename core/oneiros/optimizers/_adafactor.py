"""Adafactor as in Keras 3: factored second moments for variables of rank >= 2."""

from __future__ import annotations

from typing import Any

from oneiros import arguments, ops
from oneiros.optimizers._base import Optimizer


def _rms(x: Any) -> Any:
    return ops.sqrt(ops.mean(ops.square(x)))


class Adafactor(Optimizer):
    """Second moment ``v`` of ``grad**2 + epsilon_1`` decayed with ``beta_2 = 1 - t**beta_2_decay``;
    for rank >= 2 only its row means (``row_mean``, last axis reduced) and column means
    (``column_mean``, second-to-last axis reduced) are kept and ``v = row/mean(row) * column``.
    Update ``u = grad / sqrt(v)``, clipped to RMS ``clip_threshold``, scaled by
    ``max(epsilon_2, rms(param)) * min(lr, 1/sqrt(t))``.

    Keras 3 applies the ``min(lr, 1/sqrt(t))`` cap whatever ``relative_step`` says, and so does
    this class; ``relative_step`` is kept so configs round-trip.
    """

    def __init__(self, learning_rate: Any = 0.001, beta_2_decay: float = -0.8,
                 epsilon_1: float = 1e-30, epsilon_2: float = 1e-3, clip_threshold: float = 1.0,
                 relative_step: bool = True, weight_decay: float | None = None,
                 clipnorm: float | None = None, clipvalue: float | None = None,
                 global_clipnorm: float | None = None, name: str | None = None, **kwargs: Any):
        owner = type(self).__name__
        beta_2_decay = arguments.real(owner, "beta_2_decay", beta_2_decay, maximum=0)
        epsilon_1 = arguments.real(owner, "epsilon_1", epsilon_1, minimum=0)
        epsilon_2 = arguments.real(owner, "epsilon_2", epsilon_2, minimum=0)
        clip_threshold = arguments.real(owner, "clip_threshold", clip_threshold, minimum=0,
                                        exclusive_minimum=True)
        relative_step = arguments.flag(owner, "relative_step", relative_step)
        super().__init__(learning_rate=learning_rate, weight_decay=weight_decay, clipnorm=clipnorm,
                         clipvalue=clipvalue, global_clipnorm=global_clipnorm, name=name, **kwargs)
        self.beta_2_decay = beta_2_decay
        self.epsilon_1 = epsilon_1
        self.epsilon_2 = epsilon_2
        self.clip_threshold = clip_threshold
        self.relative_step = relative_step

    def init_slots(self, param: Any) -> dict[str, Any]:
        shape = tuple(ops.shape(param))
        if len(shape) < 2:
            return {"velocity": ops.zeros_like(param)}
        dtype = ops.dtype(param)
        return {"row_mean": ops.zeros(shape[:-1], dtype),
                "column_mean": ops.zeros(shape[:-2] + shape[-1:], dtype)}

    def step_scalars(self, learning_rate: Any, step: Any) -> dict[str, Any]:
        return {**super().step_scalars(learning_rate, step),
                "step_size": ops.minimum(learning_rate, ops.rsqrt(step)),
                "beta_2": ops.subtract(1, ops.power(step, self.beta_2_decay))}

    def update_step(self, grad: Any, param: Any, slots: dict[str, Any], learning_rate: Any,
                    step: Any) -> tuple[Any, dict[str, Any]]:
        return self.update_with_scalars(grad, param, slots, self.step_scalars(learning_rate, step))

    def update_with_scalars(self, grad: Any, param: Any, slots: dict[str, Any],
                            scalars: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
        scale = ops.multiply(ops.maximum(_rms(param), self.epsilon_2), scalars["step_size"])
        grad_square = ops.add(ops.square(grad), self.epsilon_1)
        beta_2 = scalars["beta_2"]

        def decayed(average: Any, value: Any) -> Any:
            return ops.add(ops.multiply(beta_2, average), ops.multiply(ops.subtract(1, beta_2), value))

        if "velocity" in slots:
            velocity = decayed(slots["velocity"], grad_square)
            new_slots = {"velocity": velocity}
        else:
            row_mean = decayed(slots["row_mean"], ops.mean(grad_square, axis=-1))
            column_mean = decayed(slots["column_mean"], ops.mean(grad_square, axis=-2))
            row_factor = ops.divide(row_mean, ops.mean(row_mean, axis=-1, keepdims=True))
            velocity = ops.multiply(ops.expand_dims(row_factor, -1), ops.expand_dims(column_mean, -2))
            new_slots = {"row_mean": row_mean, "column_mean": column_mean}
        update = ops.divide(grad, ops.sqrt(velocity))
        update = ops.divide(update, ops.maximum(ops.divide(_rms(update), self.clip_threshold), 1.0))
        return ops.subtract(param, ops.multiply(update, scale)), new_slots

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "beta_2_decay": self.beta_2_decay,
                "epsilon_1": self.epsilon_1, "epsilon_2": self.epsilon_2,
                "clip_threshold": self.clip_threshold, "relative_step": self.relative_step}
