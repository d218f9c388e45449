"""``oi.optimizers.schedules``: Keras's namespace of learning-rate schedules.

The schedules resolve through the optimizer registry (where they are registered), so a plugin's
override applies here too.

Example::

    schedule = oi.optimizers.schedules.ExponentialDecay(1e-2, decay_steps=100, decay_rate=0.9)
    optimizer = oi.optimizers.SGD(learning_rate=schedule)
"""

from __future__ import annotations

from typing import Any

from oneiros.optimizers._schedules import LearningRateSchedule
from oneiros.optimizers._schedules import deserialize_schedule as deserialize
from oneiros.optimizers._schedules import serialize_schedule as serialize

SCHEDULE_NAMES = ("CosineDecay", "CosineDecayRestarts", "ExponentialDecay", "InverseTimeDecay",
                  "PiecewiseConstantDecay", "PolynomialDecay")

__all__ = ["LearningRateSchedule", "deserialize", "serialize", *SCHEDULE_NAMES]


def __getattr__(name: str) -> Any:
    if name in SCHEDULE_NAMES:
        from oneiros.optimizers import get

        return get(name)
    raise AttributeError(f"module 'oneiros.optimizers.schedules' has no attribute {name!r}; "
                         f"it holds {', '.join(__all__)}")
