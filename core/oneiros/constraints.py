"""Weight constraints with Keras 3 names, arguments and defaults, written in ``oneiros.ops``.

``constraint(weight)`` returns the weight projected back into the allowed set; optimizers apply
it after each update.
"""

from __future__ import annotations

from typing import Any

from oneiros import arguments, ops
from oneiros._catalog import Catalog
from oneiros.backend._keras_settings import EPSILON

__all__ = ["Constraint", "MaxNorm", "MinMaxNorm", "NonNeg", "UnitNorm", "deserialize", "get",
           "max_norm", "min_max_norm", "names", "non_neg", "serialize", "unit_norm"]


def _norms(w: Any, axis: int | tuple[int, ...]) -> Any:
    return ops.sqrt(ops.sum(ops.square(w), axis, keepdims=True))


def _rescaled(w: Any, norms: Any, desired: Any) -> Any:
    return ops.multiply(w, ops.divide(desired, ops.add(norms, EPSILON)))


class Constraint:
    """Base class: ``__call__(w)`` projects ``w``; the config rebuilds the object."""

    def __call__(self, w: Any) -> Any:
        return w

    def get_config(self) -> dict[str, Any]:
        return {}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Constraint:
        return cls(**config)

    def __repr__(self) -> str:
        shown = ", ".join(f"{key}={value!r}" for key, value in self.get_config().items())
        return f"{type(self).__name__}({shown})"


class MaxNorm(Constraint):
    """Slices along ``axis`` (e.g. 0: each unit's incoming weights) rescaled to norm <= max_value."""

    def __init__(self, max_value=2, axis=0):
        self.max_value = arguments.real("MaxNorm", "max_value", max_value, minimum=0.0)
        self.axis = arguments.axes("MaxNorm", "axis", axis)

    def __call__(self, w):
        w = ops.convert_to_tensor(w)
        norms = _norms(w, self.axis)
        return _rescaled(w, norms, ops.clip(norms, 0.0, self.max_value))

    def get_config(self):
        return {"max_value": self.max_value, "axis": arguments.config_axes(self.axis)}


class MinMaxNorm(Constraint):
    """Slices along ``axis`` rescaled to norm ``rate * clip(norm, min, max) + (1 - rate) * norm``."""

    def __init__(self, min_value=0.0, max_value=1.0, rate=1.0, axis=0):
        owner = "MinMaxNorm"
        min_value = arguments.real(owner, "min_value", min_value, minimum=0.0)
        self.max_value = arguments.real(owner, "max_value", max_value, minimum=min_value)
        self.min_value = min_value
        self.rate = arguments.real(owner, "rate", rate, minimum=0.0, maximum=1.0)
        self.axis = arguments.axes(owner, "axis", axis)

    def __call__(self, w):
        w = ops.convert_to_tensor(w)
        norms = _norms(w, self.axis)
        clipped = ops.clip(norms, self.min_value, self.max_value)
        desired = ops.add(ops.multiply(clipped, self.rate), ops.multiply(norms, 1.0 - self.rate))
        return _rescaled(w, norms, desired)

    def get_config(self):
        return {"min_value": self.min_value, "max_value": self.max_value, "rate": self.rate,
                "axis": arguments.config_axes(self.axis)}


class NonNeg(Constraint):
    """Negative entries set to zero."""

    def __call__(self, w):
        return ops.maximum(ops.convert_to_tensor(w), 0.0)


class UnitNorm(Constraint):
    """Slices along ``axis`` rescaled to unit norm."""

    def __init__(self, axis=0):
        self.axis = arguments.axes("UnitNorm", "axis", axis)

    def __call__(self, w):
        w = ops.convert_to_tensor(w)
        norms = _norms(w, self.axis)
        return ops.divide(w, ops.add(norms, EPSILON))

    def get_config(self):
        return {"axis": arguments.config_axes(self.axis)}


_CATALOG = Catalog("constraint", Constraint, {
    "max_norm": MaxNorm, "min_max_norm": MinMaxNorm, "non_neg": NonNeg, "unit_norm": UnitNorm,
})

get = _CATALOG.get
serialize = _CATALOG.serialize
deserialize = _CATALOG.deserialize
names = _CATALOG.names

# Keras exposes the snake_case names as the classes themselves.
max_norm, min_max_norm, non_neg, unit_norm = MaxNorm, MinMaxNorm, NonNeg, UnitNorm
