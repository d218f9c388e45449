"""The Optimizer base class: pure ``init``/``apply`` over lists of tensors, written with
``oneiros.ops`` so it runs on every backend and inside a compiled train step.

State is a dict pytree::

    {"iterations": int32 scalar,             # updates applied so far
     "learning_rate": float32 scalar,        # only when the rate is a constant, so callbacks can
                                             # change it without recompiling the step
     "slots": [dict of tensors, ...]}        # one dict per parameter, aligned with ``params``

Each step follows Keras 3: gradients clipped (``clipnorm`` per variable, ``clipvalue``
elementwise, or ``global_clipnorm`` over all), then decoupled weight decay
``param -= param * weight_decay * lr``, then the subclass's :meth:`Optimizer.update_step`.
"""

from __future__ import annotations

import abc
import numbers
from typing import Any

from oneiros import dtypes, ops
from oneiros.optimizers._checks import check_real
from oneiros.optimizers._clipping import clip_by_global_norm, clip_by_norm, clip_by_value
from oneiros.optimizers._schedules import (
    LearningRateSchedule,
    deserialize_schedule,
    serialize_schedule,
)

KERAS_ONLY_DEFAULTS: dict[str, Any] = {
    "use_ema": False,
    "ema_momentum": 0.99,
    "ema_overwrite_frequency": None,
    "loss_scale_factor": None,
    "gradient_accumulation_steps": None,
    "decay": None,
}
"""Keras optimizer arguments Oneiros does not implement: accepted at these (Keras's default)
values so Keras configs load, refused otherwise."""


def _check_keras_only_arguments(owner: str, kwargs: dict[str, Any]) -> None:
    unknown = sorted(set(kwargs) - set(KERAS_ONLY_DEFAULTS))
    if unknown:
        raise TypeError(f"{owner} got unexpected argument(s) "
                        f"{', '.join(f'{key}={kwargs[key]!r}' for key in unknown)}.")
    for key, value in kwargs.items():
        if value != KERAS_ONLY_DEFAULTS[key]:
            raise ValueError(f"{owner}: argument `{key}` is not supported by Oneiros; received "
                             f"{key}={value!r}, allowed only {key}={KERAS_ONLY_DEFAULTS[key]!r}.")


def _check_learning_rate(owner: str, learning_rate: Any) -> float | LearningRateSchedule:
    if isinstance(learning_rate, LearningRateSchedule):
        return learning_rate
    allowed = "a number >= 0 or a LearningRateSchedule"
    if isinstance(learning_rate, bool) or not isinstance(learning_rate, numbers.Real):
        raise TypeError(f"{owner}: argument `learning_rate` must be {allowed}; received "
                        f"learning_rate={learning_rate!r} of type {type(learning_rate).__name__}.")
    if not learning_rate >= 0:
        raise ValueError(f"{owner}: argument `learning_rate` must be {allowed}; received "
                         f"learning_rate={learning_rate!r}.")
    return float(learning_rate)


class Optimizer(abc.ABC):
    """Base class of every optimizer; subclasses implement :meth:`init_slots` and
    :meth:`update_step` (one variable at a time, ops only) and extend :meth:`get_config`."""

    def __init__(self, learning_rate: float | LearningRateSchedule = 0.001,
                 weight_decay: float | None = None, clipnorm: float | None = None,
                 clipvalue: float | None = None, global_clipnorm: float | None = None,
                 name: str | None = None, **kwargs: Any):
        owner = type(self).__name__
        _check_keras_only_arguments(owner, kwargs)
        learning_rate = _check_learning_rate(owner, learning_rate)
        weight_decay = check_real(owner, "weight_decay", weight_decay, minimum=0, optional=True)
        clips = {"clipnorm": clipnorm, "clipvalue": clipvalue, "global_clipnorm": global_clipnorm}
        clips = {key: check_real(owner, key, value, minimum=0, exclusive_minimum=True, optional=True)
                 for key, value in clips.items()}
        if sum(value is not None for value in clips.values()) > 1:
            raise ValueError(f"{owner}: only one of `clipnorm`, `clipvalue` and `global_clipnorm` "
                             f"can be set; received clipnorm={clipnorm!r}, clipvalue={clipvalue!r}, "
                             f"global_clipnorm={global_clipnorm!r}.")
        if name is not None and not isinstance(name, str):
            raise TypeError(f"{owner}: argument `name` must be a string or None; received "
                            f"name={name!r}.")
        self._learning_rate = learning_rate
        self.weight_decay = weight_decay
        self.clipnorm = clips["clipnorm"]
        self.clipvalue = clips["clipvalue"]
        self.global_clipnorm = clips["global_clipnorm"]
        self.name = name or owner.lower()

    @property
    def learning_rate(self) -> float | LearningRateSchedule:
        """The configured rate: a float, or the schedule evaluated at each step."""
        return self._learning_rate

    @learning_rate.setter
    def learning_rate(self, value: float | LearningRateSchedule) -> None:
        """Changes the rate used by later :meth:`init` calls and by :meth:`get_config`; a live
        state takes a new constant rate through :meth:`with_learning_rate`."""
        self._learning_rate = _check_learning_rate(type(self).__name__, value)

    def init(self, params: list[Any]) -> dict[str, Any]:
        """The state before the first update of ``params`` (float tensors); pure."""
        params = list(params)
        for index, param in enumerate(params):
            if not dtypes.is_float(ops.dtype(param)):
                raise TypeError(f"{type(self).__name__}.init: params[{index}] has dtype "
                                f"{ops.dtype(param)}; optimizers update float tensors only.")
        state: dict[str, Any] = {"iterations": ops.zeros((), "int32"),
                                 "slots": [self.init_slots(param) for param in params]}
        if not isinstance(self._learning_rate, LearningRateSchedule):
            state["learning_rate"] = ops.convert_to_tensor(self._learning_rate, "float32")
        return state

    def with_learning_rate(self, state: dict[str, Any], learning_rate: float) -> dict[str, Any]:
        """``state`` with its constant learning rate replaced by ``learning_rate``; pure."""
        if "learning_rate" not in state:
            raise TypeError(f"{type(self).__name__} follows the schedule {self._learning_rate!r}; "
                            "its learning rate cannot be set to a constant.")
        value = check_real(type(self).__name__, "learning_rate", learning_rate, minimum=0)
        return {**state, "learning_rate": ops.convert_to_tensor(value, "float32")}

    def current_learning_rate(self, state: dict[str, Any]) -> Any:
        """The learning rate the next update of ``state`` uses (a float32 scalar tensor)."""
        if isinstance(self._learning_rate, LearningRateSchedule):
            return self._learning_rate(state["iterations"])
        return state["learning_rate"]

    def apply(self, grads: list[Any], params: list[Any],
              state: dict[str, Any]) -> tuple[list[Any], dict[str, Any]]:
        """One update: ``(new_params, new_state)``; pure and jit-safe.

        A None gradient leaves its parameter and slots as they are.
        """
        grads, params, slots = list(grads), list(params), list(state["slots"])
        if not len(grads) == len(params) == len(slots):
            raise ValueError(f"{type(self).__name__}.apply: received {len(grads)} gradients and "
                             f"{len(params)} params for a state built for {len(slots)} params; "
                             "expected one gradient per param, in the order given to init.")
        learning_rate = self.current_learning_rate(state)
        step = ops.add(state["iterations"], 1)
        grads = self._clip(grads)
        new_params, new_slots = [], []
        for grad, param, param_slots in zip(grads, params, slots):
            if grad is not None:
                dtype = ops.dtype(param)
                lr = ops.cast(learning_rate, dtype)
                if self.weight_decay is not None:
                    param = ops.subtract(param, ops.multiply(ops.multiply(param, self.weight_decay), lr))
                param, param_slots = self.update_step(ops.cast(grad, dtype), param, param_slots, lr,
                                                      ops.cast(step, dtype))
            new_params.append(param)
            new_slots.append(param_slots)
        return new_params, {**state, "iterations": step, "slots": new_slots}

    def _clip(self, grads: list[Any]) -> list[Any]:
        if self.clipnorm is not None:
            return [None if grad is None else clip_by_norm(grad, self.clipnorm) for grad in grads]
        if self.global_clipnorm is not None:
            return clip_by_global_norm(grads, self.global_clipnorm)
        if self.clipvalue is not None:
            return [None if grad is None else clip_by_value(grad, self.clipvalue) for grad in grads]
        return grads

    @abc.abstractmethod
    def init_slots(self, param: Any) -> dict[str, Any]:
        """The per-variable state of ``param`` before any update (e.g. zero moments)."""

    @abc.abstractmethod
    def update_step(self, grad: Any, param: Any, slots: dict[str, Any], learning_rate: Any,
                    step: Any) -> tuple[Any, dict[str, Any]]:
        """``(new_param, new_slots)`` for one variable.

        ``grad`` and ``learning_rate`` are cast to ``param``'s dtype; ``step`` is the 1-based
        number of this update (iterations + 1), also in ``param``'s dtype.
        """

    def get_config(self) -> dict[str, Any]:
        learning_rate = self._learning_rate
        if isinstance(learning_rate, LearningRateSchedule):
            learning_rate = serialize_schedule(learning_rate)
        return {"name": self.name, "learning_rate": learning_rate, "weight_decay": self.weight_decay,
                "clipnorm": self.clipnorm, "global_clipnorm": self.global_clipnorm,
                "clipvalue": self.clipvalue}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Optimizer:
        config = dict(config)
        if isinstance(config.get("learning_rate"), dict):
            config["learning_rate"] = deserialize_schedule(config["learning_rate"])
        return cls(**config)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r}, learning_rate={self._learning_rate!r})"


def zeros_slots(param: Any, *names: str) -> dict[str, Any]:
    """One zero tensor shaped like ``param`` per slot name."""
    return {name: ops.zeros_like(param) for name in names}
