"""Learning-rate schedules: ``schedule(step)`` written with ``oneiros.ops`` (jit-safe), Keras 3
names, arguments and formulas. ``step`` is the optimizer's iteration count before the update
(0 on the first step), as in Keras."""

from __future__ import annotations

import abc
import math
from typing import Any

from oneiros import arguments, ops

FLOAT = "float32"


def _as_float(step: Any) -> Any:
    return ops.cast(ops.convert_to_tensor(step), FLOAT)


class LearningRateSchedule(abc.ABC):
    """A learning rate that depends on the optimizer step; subclass and register to add one."""

    @abc.abstractmethod
    def __call__(self, step: Any) -> Any:
        """The learning rate (a float32 scalar tensor) at ``step`` (an int or int tensor)."""

    @abc.abstractmethod
    def get_config(self) -> dict[str, Any]:
        """The constructor arguments, JSON-serializable."""

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> LearningRateSchedule:
        return cls(**config)

    def __repr__(self) -> str:
        shown = ", ".join(f"{key}={value!r}" for key, value in self.get_config().items())
        return f"{type(self).__name__}({shown})"


class _StepDecay(LearningRateSchedule):
    """The arguments ExponentialDecay and InverseTimeDecay share: a rate decayed by ``decay_rate``
    every ``decay_steps`` steps, smoothly or (``staircase``) in whole periods."""

    def __init__(self, initial_learning_rate: float, decay_steps: float, decay_rate: float, staircase: bool,
                 name: str):
        owner = type(self).__name__
        self.initial_learning_rate = arguments.real(owner, "initial_learning_rate", initial_learning_rate,
                                                    minimum=0)
        self.decay_steps = arguments.real(owner, "decay_steps", decay_steps, minimum=0, exclusive_minimum=True)
        self.decay_rate = arguments.real(owner, "decay_rate", decay_rate, minimum=0)
        self.staircase = arguments.flag(owner, "staircase", staircase)
        self.name = name

    def _periods(self, step: Any) -> Any:
        """``step / decay_steps``, floored when ``staircase``."""
        progress = ops.divide(_as_float(step), self.decay_steps)
        return ops.floor(progress) if self.staircase else progress

    def get_config(self) -> dict[str, Any]:
        return {"initial_learning_rate": self.initial_learning_rate, "decay_steps": self.decay_steps,
                "decay_rate": self.decay_rate, "staircase": self.staircase, "name": self.name}


class ExponentialDecay(_StepDecay):
    """``initial_learning_rate * decay_rate ** (step / decay_steps)`` (exponent floored when
    ``staircase``)."""

    def __init__(self, initial_learning_rate: float, decay_steps: float, decay_rate: float,
                 staircase: bool = False, name: str = "ExponentialDecay"):
        super().__init__(initial_learning_rate, decay_steps, decay_rate, staircase, name)

    def __call__(self, step: Any) -> Any:
        decay = ops.power(ops.convert_to_tensor(self.decay_rate, FLOAT), self._periods(step))
        return ops.multiply(decay, self.initial_learning_rate)


class InverseTimeDecay(_StepDecay):
    """``initial_learning_rate / (1 + decay_rate * step / decay_steps)`` (the ratio floored when
    ``staircase``)."""

    def __init__(self, initial_learning_rate: float, decay_steps: float, decay_rate: float,
                 staircase: bool = False, name: str = "InverseTimeDecay"):
        super().__init__(initial_learning_rate, decay_steps, decay_rate, staircase, name)

    def __call__(self, step: Any) -> Any:
        denominator = ops.add(ops.multiply(self._periods(step), self.decay_rate), 1.0)
        return ops.divide(ops.convert_to_tensor(self.initial_learning_rate, FLOAT), denominator)


class PiecewiseConstantDecay(LearningRateSchedule):
    """``values[0]`` while ``step <= boundaries[0]``, ``values[i]`` while
    ``boundaries[i-1] < step <= boundaries[i]``, ``values[-1]`` after the last boundary."""

    def __init__(self, boundaries: list[float], values: list[float],
                 name: str = "PiecewiseConstant"):
        owner = type(self).__name__
        if not isinstance(boundaries, (list, tuple)) or not isinstance(values, (list, tuple)):
            raise TypeError(f"{owner}: arguments `boundaries` and `values` must be lists of numbers; "
                            f"received boundaries={boundaries!r}, values={values!r}.")
        if len(boundaries) != len(values) - 1:
            raise ValueError(f"{owner}: `values` must hold one more entry than `boundaries`; received "
                             f"boundaries={list(boundaries)!r} ({len(boundaries)} entries) and "
                             f"values={list(values)!r} ({len(values)} entries).")
        checked_boundaries = [arguments.real(owner, f"boundaries[{index}]", boundary)
                              for index, boundary in enumerate(boundaries)]
        if any(low >= high for low, high in zip(checked_boundaries, checked_boundaries[1:])):
            raise ValueError(f"{owner}: argument `boundaries` must be strictly increasing; "
                             f"received boundaries={list(boundaries)!r}.")
        self.boundaries = list(boundaries)
        self.values = [arguments.real(owner, f"values[{index}]", value)
                       for index, value in enumerate(values)]
        self.name = name

    def __call__(self, step: Any) -> Any:
        if not self.boundaries:
            return ops.convert_to_tensor(self.values[0], FLOAT)
        boundaries = ops.convert_to_tensor(self.boundaries, FLOAT)
        passed = ops.sum(ops.cast(ops.greater(_as_float(step), boundaries), "int32"))
        return ops.take(ops.convert_to_tensor(self.values, FLOAT), passed)

    def get_config(self) -> dict[str, Any]:
        return {"boundaries": self.boundaries, "values": self.values, "name": self.name}


class PolynomialDecay(LearningRateSchedule):
    """From ``initial_learning_rate`` to ``end_learning_rate`` along ``(1 - step / decay_steps) **
    power``; held at the end, or with ``cycle`` restarted with ``decay_steps`` stretched to the
    next multiple above ``step``."""

    def __init__(self, initial_learning_rate: float, decay_steps: float,
                 end_learning_rate: float = 0.0001, power: float = 1.0, cycle: bool = False,
                 name: str = "PolynomialDecay"):
        owner = type(self).__name__
        self.initial_learning_rate = arguments.real(owner, "initial_learning_rate",
                                                    initial_learning_rate, minimum=0)
        self.decay_steps = arguments.real(owner, "decay_steps", decay_steps, minimum=0,
                                          exclusive_minimum=True)
        self.end_learning_rate = arguments.real(owner, "end_learning_rate", end_learning_rate, minimum=0)
        self.power = arguments.real(owner, "power", power)
        self.cycle = arguments.flag(owner, "cycle", cycle)
        self.name = name

    def __call__(self, step: Any) -> Any:
        step = _as_float(step)
        if self.cycle:
            cycles = ops.where(ops.equal(step, 0.0), 1.0, ops.ceil(ops.divide(step, self.decay_steps)))
            decay_steps = ops.multiply(cycles, self.decay_steps)
        else:
            step = ops.minimum(step, self.decay_steps)
            decay_steps = ops.convert_to_tensor(self.decay_steps, FLOAT)
        remaining = ops.subtract(1.0, ops.divide(step, decay_steps))
        span = self.initial_learning_rate - self.end_learning_rate
        return ops.add(ops.multiply(ops.power(remaining, self.power), span), self.end_learning_rate)

    def get_config(self) -> dict[str, Any]:
        return {"initial_learning_rate": self.initial_learning_rate, "decay_steps": self.decay_steps,
                "end_learning_rate": self.end_learning_rate, "power": self.power,
                "cycle": self.cycle, "name": self.name}


class CosineDecay(LearningRateSchedule):
    """Optional linear warmup from ``initial_learning_rate`` to ``warmup_target`` over
    ``warmup_steps``, then a half cosine over ``decay_steps`` down to ``alpha`` times the peak."""

    def __init__(self, initial_learning_rate: float, decay_steps: float, alpha: float = 0.0,
                 name: str = "CosineDecay", warmup_target: float | None = None,
                 warmup_steps: float = 0):
        owner = type(self).__name__
        self.initial_learning_rate = arguments.real(owner, "initial_learning_rate",
                                                    initial_learning_rate, minimum=0)
        self.decay_steps = arguments.real(owner, "decay_steps", decay_steps, minimum=0,
                                          exclusive_minimum=True)
        self.alpha = arguments.real(owner, "alpha", alpha, minimum=0, maximum=1)
        self.name = name
        self.warmup_target = arguments.real(owner, "warmup_target", warmup_target, minimum=0,
                                            optional=True)
        self.warmup_steps = arguments.real(owner, "warmup_steps", warmup_steps, minimum=0)

    def _cosine(self, steps_into_decay: Any, peak: float) -> Any:
        angle = ops.multiply(ops.divide(steps_into_decay, self.decay_steps), math.pi)
        cosine = ops.multiply(ops.add(ops.cos(angle), 1.0), 0.5)
        return ops.multiply(ops.add(ops.multiply(cosine, 1.0 - self.alpha), self.alpha), peak)

    def __call__(self, step: Any) -> Any:
        step = _as_float(step)
        if self.warmup_target is None:
            return self._cosine(ops.minimum(step, self.decay_steps), self.initial_learning_rate)
        step = ops.minimum(step, self.decay_steps + self.warmup_steps)
        # max(.., 1) only keeps the unused branch finite when warmup_steps is 0.
        warmup_fraction = ops.divide(step, max(self.warmup_steps, 1.0))
        warming = ops.add(ops.multiply(warmup_fraction, self.warmup_target - self.initial_learning_rate),
                          self.initial_learning_rate)
        decaying = self._cosine(ops.subtract(step, self.warmup_steps), self.warmup_target)
        return ops.where(ops.less(step, self.warmup_steps), warming, decaying)

    def get_config(self) -> dict[str, Any]:
        return {"initial_learning_rate": self.initial_learning_rate, "decay_steps": self.decay_steps,
                "alpha": self.alpha, "name": self.name, "warmup_target": self.warmup_target,
                "warmup_steps": self.warmup_steps}


class CosineDecayRestarts(LearningRateSchedule):
    """Cosine decay with warm restarts (SGDR): the first period lasts ``first_decay_steps``, each
    next one ``t_mul`` times longer and starting ``m_mul`` times lower; the floor is ``alpha``
    times the peak."""

    def __init__(self, initial_learning_rate: float, first_decay_steps: float, t_mul: float = 2.0,
                 m_mul: float = 1.0, alpha: float = 0.0, name: str = "SGDRDecay"):
        owner = type(self).__name__
        self.initial_learning_rate = arguments.real(owner, "initial_learning_rate",
                                                    initial_learning_rate, minimum=0)
        self.first_decay_steps = arguments.real(owner, "first_decay_steps", first_decay_steps, minimum=0,
                                                exclusive_minimum=True)
        self.t_mul = arguments.real(owner, "t_mul", t_mul, minimum=0, exclusive_minimum=True)
        self.m_mul = arguments.real(owner, "m_mul", m_mul, minimum=0)
        self.alpha = arguments.real(owner, "alpha", alpha, minimum=0, maximum=1)
        self.name = name

    def __call__(self, step: Any) -> Any:
        fraction = ops.divide(_as_float(step), self.first_decay_steps)
        if self.t_mul == 1.0:
            restarts = ops.floor(fraction)
            fraction = ops.subtract(fraction, restarts)
        else:
            restarts = ops.floor(ops.divide(ops.log(ops.subtract(1.0, ops.multiply(fraction, 1.0 - self.t_mul))),
                                            math.log(self.t_mul)))
            period_scale = ops.power(ops.convert_to_tensor(self.t_mul, FLOAT), restarts)
            completed = ops.divide(ops.subtract(1.0, period_scale), 1.0 - self.t_mul)
            fraction = ops.divide(ops.subtract(fraction, completed), period_scale)
        peak_scale = ops.power(ops.convert_to_tensor(self.m_mul, FLOAT), restarts)
        cosine = ops.multiply(ops.multiply(peak_scale, 0.5), ops.add(ops.cos(ops.multiply(fraction, math.pi)), 1.0))
        return ops.multiply(ops.add(ops.multiply(cosine, 1.0 - self.alpha), self.alpha), self.initial_learning_rate)

    def get_config(self) -> dict[str, Any]:
        return {"initial_learning_rate": self.initial_learning_rate, "first_decay_steps": self.first_decay_steps,
                "t_mul": self.t_mul, "m_mul": self.m_mul, "alpha": self.alpha, "name": self.name}


SCHEDULES = [ExponentialDecay, InverseTimeDecay, PiecewiseConstantDecay, PolynomialDecay, CosineDecay,
             CosineDecayRestarts]


def serialize_schedule(schedule: LearningRateSchedule) -> dict[str, Any]:
    """``{"class_name": registered name, "config": ...}``; the name is qualified when registered."""
    from oneiros._plugins import host

    entry = host().registry("optimizers").entry_for(type(schedule))
    class_name = entry.qualified_name if entry is not None else type(schedule).__name__
    return {"class_name": class_name, "config": schedule.get_config()}


def deserialize_schedule(config: dict[str, Any]) -> LearningRateSchedule:
    """The schedule a :func:`serialize_schedule` dict describes, its class found by registered name.

    Keras's extra keys ("module", "registered_name") are ignored: a file never names code to import.
    """
    from oneiros.optimizers import get

    if not isinstance(config, dict) or not {"class_name", "config"} <= set(config):
        raise ValueError("A serialized learning-rate schedule must be a dict with the keys "
                         f"'class_name' and 'config'; received {config!r}.")
    cls = get(config["class_name"])
    if not (isinstance(cls, type) and issubclass(cls, LearningRateSchedule)):
        raise TypeError(f"{config['class_name']!r} names {cls!r}, which is not a "
                        "LearningRateSchedule subclass.")
    return cls.from_config(dict(config["config"]))
