"""Oneiros optimizers: the core's built-ins, and every plugin's through `get` and attribute access.

``Optimizer`` and ``LearningRateSchedule`` are the base classes to subclass; concrete optimizers
and schedules (``oi.optimizers.Adam``, ``oi.optimizers.get("adam")``,
``oi.optimizers.CosineDecay``) resolve through the registry, so a plugin can override them.
"""

import importlib
from typing import Any

from oneiros._namespace import registry_accessors

BUILTINS: list = [
    "oneiros.optimizers._sgd:SGD",
    "oneiros.optimizers._rmsprop:RMSprop",
    "oneiros.optimizers._adam:Adam",
    "oneiros.optimizers._adam:AdamW",
    "oneiros.optimizers._adam:Adamax",
    "oneiros.optimizers._adam:Nadam",
    "oneiros.optimizers._adagrad:Adagrad",
    "oneiros.optimizers._adagrad:Adadelta",
    "oneiros.optimizers._lion:Lion",
    "oneiros.optimizers._adafactor:Adafactor",
    "oneiros.optimizers._ftrl:Ftrl",
    "oneiros.optimizers._lamb:Lamb",
    "oneiros.optimizers._schedule_free:ScheduleFreeAdamW",
    "oneiros.optimizers._loss_scale:LossScaleOptimizer",
    "oneiros.optimizers._muon:Muon",
    "oneiros.optimizers._multi:MultiOptimizer",
    "oneiros.optimizers._multi:OptimizerMap",
    ("sgd", "oneiros.optimizers._sgd:SGD"),
    ("rmsprop", "oneiros.optimizers._rmsprop:RMSprop"),
    ("adam", "oneiros.optimizers._adam:Adam"),
    ("adamw", "oneiros.optimizers._adam:AdamW"),
    ("adamax", "oneiros.optimizers._adam:Adamax"),
    ("nadam", "oneiros.optimizers._adam:Nadam"),
    ("adagrad", "oneiros.optimizers._adagrad:Adagrad"),
    ("adadelta", "oneiros.optimizers._adagrad:Adadelta"),
    ("lion", "oneiros.optimizers._lion:Lion"),
    ("adafactor", "oneiros.optimizers._adafactor:Adafactor"),
    ("ftrl", "oneiros.optimizers._ftrl:Ftrl"),
    ("lamb", "oneiros.optimizers._lamb:Lamb"),
    ("schedule_free_adamw", "oneiros.optimizers._schedule_free:ScheduleFreeAdamW"),
    ("muon", "oneiros.optimizers._muon:Muon"),
    "oneiros.optimizers._schedules:ExponentialDecay",
    "oneiros.optimizers._schedules:InverseTimeDecay",
    "oneiros.optimizers._schedules:PiecewiseConstantDecay",
    "oneiros.optimizers._schedules:PolynomialDecay",
    "oneiros.optimizers._schedules:CosineDecay",
    "oneiros.optimizers._schedules:CosineDecayRestarts",
]
"""What the core registers through ``register_optimizers``, as lazy ``"module:Name"`` references (an
``(alias, reference)`` pair registers an alias), so plugin discovery imports none of them."""

__all__ = ["BUILTINS", "LearningRateSchedule", "Optimizer", "get", "schedules"]

get, _registry_attribute = registry_accessors("optimizers", __name__, {
    "Optimizer": "oneiros.optimizers._base", "LearningRateSchedule": "oneiros.optimizers._schedules"})


def __getattr__(name: str) -> Any:
    if name == "schedules":
        return importlib.import_module("oneiros.optimizers.schedules")
    return _registry_attribute(name)
