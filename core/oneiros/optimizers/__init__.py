"""Oneiros optimizers: the core's built-ins, and every plugin's through `get` and attribute access.

``Optimizer`` and ``LearningRateSchedule`` are the base classes to subclass; concrete optimizers
and schedules (``oi.optimizers.Adam``, ``oi.optimizers.get("adam")``,
``oi.optimizers.CosineDecay``) resolve through the registry, so a plugin can override them.
"""

from oneiros._namespace import registry_accessors
from oneiros.optimizers import _adafactor, _adagrad, _adam, _lion, _rmsprop, _schedules, _sgd
from oneiros.optimizers._base import Optimizer
from oneiros.optimizers._schedules import LearningRateSchedule

_OPTIMIZERS = [_sgd.SGD, _rmsprop.RMSprop, _adam.Adam, _adam.AdamW, _adam.Adamax, _adam.Nadam,
               _adagrad.Adagrad, _adagrad.Adadelta, _lion.Lion, _adafactor.Adafactor]

BUILTINS: list = [
    *_OPTIMIZERS,
    *((cls.__name__.lower(), cls) for cls in _OPTIMIZERS),
    *_schedules.SCHEDULES,
]
"""What the core registers through `register_optimizers`; each entry is a class or function,
or a ``(name, obj)`` pair for an alias such as ``("adam", Adam)``."""

__all__ = ["LearningRateSchedule", "Optimizer", "get"]

get, __getattr__ = registry_accessors("optimizers", __name__)
