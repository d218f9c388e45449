"""LossScaleOptimizer: dynamic loss scaling around another optimizer, as Keras 3's."""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any

from oneiros import ops, tree
from oneiros.optimizers._base import KERAS_ONLY_DEFAULTS, KerasGroups, KerasLayout, Optimizer, inner_groups

_BASE_DEFAULTS = {"weight_decay": None, "clipnorm": None, "global_clipnorm": None, "clipvalue": None,
                  "use_ema": False, "ema_momentum": 0.99, "ema_overwrite_frequency": None, **KERAS_ONLY_DEFAULTS}


class LossScaleOptimizer(Optimizer):
    """Multiplies the loss by a dynamic scale before differentiation (so float16 gradients do not
    underflow) and divides the gradients by it before ``inner_optimizer`` applies them. A step
    whose gradients are not all finite is skipped and halves the scale; after
    ``dynamic_growth_steps`` finite steps in a row the scale doubles (Keras 3's rule and state
    ``step_counter``, ``dynamic_scale``). The learning rate and iterations are the inner
    optimizer's; skipped steps do not count.

    Example::

        model.compile(optimizer=oi.mixed_precision.LossScaleOptimizer(oi.optimizers.Adam()), loss="mse")
    """

    def __init__(self, inner_optimizer: Optimizer, initial_scale: float = 2.0 ** 15,
                 dynamic_growth_steps: int = 2000, name: str | None = None, **kwargs: Any):
        owner = type(self).__name__
        if not kwargs.pop("dynamic", True):
            raise ValueError(f"{owner} scales dynamically only; received dynamic=False.")
        for key, default in _BASE_DEFAULTS.items():
            if key in kwargs and kwargs.pop(key) != default:
                raise ValueError(f"{owner} does not take `{key}`: set it on the inner optimizer.")
        if kwargs:
            raise TypeError(f"{owner} got unexpected argument(s) {sorted(kwargs)}.")
        if not isinstance(inner_optimizer, Optimizer):
            raise TypeError(f"{owner}: argument `inner_optimizer` must be an Optimizer; received "
                            f"{inner_optimizer!r}.")
        if isinstance(initial_scale, bool) or not isinstance(initial_scale, numbers.Real) or not initial_scale > 0:
            raise ValueError(f"{owner}: argument `initial_scale` must be a number > 0; received "
                             f"initial_scale={initial_scale!r}.")
        if isinstance(dynamic_growth_steps, bool) or not isinstance(dynamic_growth_steps, int) \
                or dynamic_growth_steps < 1:
            raise ValueError(f"{owner}: argument `dynamic_growth_steps` must be an int >= 1; received "
                             f"dynamic_growth_steps={dynamic_growth_steps!r}.")
        super().__init__(learning_rate=0.0, name=name)
        self.inner_optimizer = inner_optimizer
        self.initial_scale = float(initial_scale)
        self.dynamic_growth_steps = dynamic_growth_steps

    @property
    def learning_rate(self) -> float:
        return self.inner_optimizer.learning_rate

    @learning_rate.setter
    def learning_rate(self, value: Any) -> None:
        self.inner_optimizer.learning_rate = value

    @property
    def configured_learning_rate(self) -> Any:
        return self.inner_optimizer.configured_learning_rate

    def init(self, params: list[Any], paths: Sequence[str] | None = None) -> dict[str, Any]:
        inner = self.inner_optimizer.init(params, paths)
        return {"iterations": inner["iterations"], "step_counter": ops.zeros((), "int32"),
                "dynamic_scale": ops.convert_to_tensor(self.initial_scale, "float32"), "inner": inner}

    def with_learning_rate(self, state: dict[str, Any], learning_rate: float) -> dict[str, Any]:
        return {**state, "inner": self.inner_optimizer.with_learning_rate(state["inner"], learning_rate)}

    def current_learning_rate(self, state: dict[str, Any]) -> Any:
        return self.inner_optimizer.current_learning_rate(state["inner"])

    def scale_loss(self, loss: Any, state: dict[str, Any]) -> Any:
        return ops.multiply(loss, ops.cast(state["dynamic_scale"], ops.dtype(loss)))

    def apply(self, grads: list[Any], params: list[Any],
              state: dict[str, Any]) -> tuple[list[Any], dict[str, Any]]:
        scale = state["dynamic_scale"]
        present = [grad for grad in grads if grad is not None]
        finite = ops.all(ops.stack([ops.all(ops.isfinite(grad)) for grad in present])) if present \
            else ops.convert_to_tensor(True, "bool")
        unscaled = [None if grad is None else ops.divide(grad, ops.cast(scale, ops.dtype(grad))) for grad in grads]
        stepped, inner = self.inner_optimizer.apply(unscaled, params, state["inner"])
        new_params = [ops.where(finite, new, old) for new, old in zip(stepped, params)]
        inner = tree.map_structure(lambda new, old: ops.where(finite, new, old), inner, state["inner"])
        counter = state["step_counter"]
        grow = ops.equal(counter, self.dynamic_growth_steps - 1)
        counter = ops.where(ops.logical_and(finite, ops.logical_not(grow)), ops.add(counter, 1), ops.zeros_like(counter))
        scale = ops.where(finite, ops.where(grow, ops.multiply(scale, 2.0), scale), ops.multiply(scale, 0.5))
        return new_params, {"iterations": inner["iterations"], "step_counter": counter, "dynamic_scale": scale,
                            "inner": inner}

    def inner_states(self, state: dict[str, Any]) -> list[tuple[Optimizer, dict[str, Any]]]:
        return [(self.inner_optimizer, state["inner"])]

    @property
    def uses_ema(self) -> bool:
        return self.inner_optimizer.uses_ema

    def averages_of(self, state: dict[str, Any], params: list[Any]) -> list[Any]:
        return self.inner_optimizer.averages_of(state["inner"], params)

    def with_averages(self, state: dict[str, Any], averages: list[Any]) -> dict[str, Any]:
        return {**state, "inner": self.inner_optimizer.with_averages(state["inner"], averages)}

    def keras_layout(self, state: dict[str, Any]) -> KerasLayout:
        """Keras's own variables (iterations, an unused learning rate, the scale's counter and
        value), then the inner optimizer's."""
        inner = [None if key is None else ("inner", *key) for key in self.inner_optimizer.keras_layout(state["inner"])]
        return [("iterations",), None, ("step_counter",), ("dynamic_scale",), *inner]

    def keras_variable_groups(self, state: dict[str, Any]) -> KerasGroups:
        return {**super().keras_variable_groups(state),
                **inner_groups("inner_optimizer", self.inner_optimizer, state["inner"], ("inner",))}

    def init_slots(self, param: Any) -> dict[str, Any]:
        return self.inner_optimizer.init_slots(param)

    def update_step(self, grad: Any, param: Any, slots: dict[str, Any], learning_rate: Any,
                    step: Any) -> tuple[Any, dict[str, Any]]:
        return self.inner_optimizer.update_step(grad, param, slots, learning_rate, step)

    def get_config(self) -> dict[str, Any]:
        from oneiros.saving import serialize_keras_object

        return {"name": self.name, "inner_optimizer": serialize_keras_object(self.inner_optimizer),
                "initial_scale": self.initial_scale, "dynamic_growth_steps": self.dynamic_growth_steps}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> LossScaleOptimizer:
        from oneiros.saving import deserialize_keras_object

        config = dict(config)
        inner = config.pop("inner_optimizer")
        return cls(deserialize_keras_object(inner) if isinstance(inner, dict) else inner, **config)
