"""Weight regularizers with Keras 3 names, arguments and defaults, written in ``oneiros.ops``.

``regularizer(weight)`` returns a scalar penalty of the weight's dtype, to be added to the loss.
"""

from __future__ import annotations

from typing import Any

from oneiros import arguments, ops
from oneiros._catalog import Catalog

__all__ = ["L1", "L1L2", "L2", "OrthogonalRegularizer", "Regularizer", "deserialize", "get", "l1", "l1_l2",
           "l2", "names", "orthogonal_regularizer", "serialize"]

# Keras's epsilon: the normalization in OrthogonalRegularizer scales by at most 1 / EPSILON,
# so an all-zero row stays zero instead of dividing by zero.
EPSILON = 1e-7


def _factor(owner: str, argument: str, value: Any, default: float) -> float:
    """A non-negative factor; None means ``default``, as in Keras."""
    return arguments.real(owner, argument, default if value is None else value, minimum=0.0)


class Regularizer:
    """Base class: ``__call__(weight)`` gives a scalar penalty; the config rebuilds the object."""

    def __call__(self, x: Any) -> Any:
        return ops.zeros((), ops.dtype(x))

    def get_config(self) -> dict[str, Any]:
        return {}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Regularizer:
        return cls(**config)

    def __repr__(self) -> str:
        shown = ", ".join(f"{key}={value!r}" for key, value in self.get_config().items())
        return f"{type(self).__name__}({shown})"


class L1(Regularizer):
    """``l1 * sum(|x|)``."""

    def __init__(self, l1=0.01):
        self.l1 = _factor("L1", "l1", l1, 0.01)

    def __call__(self, x):
        return ops.multiply(ops.sum(ops.abs(x)), self.l1)

    def get_config(self):
        return {"l1": self.l1}


class L2(Regularizer):
    """``l2 * sum(x ** 2)``."""

    def __init__(self, l2=0.01):
        self.l2 = _factor("L2", "l2", l2, 0.01)

    def __call__(self, x):
        return ops.multiply(ops.sum(ops.square(x)), self.l2)

    def get_config(self):
        return {"l2": self.l2}


class L1L2(Regularizer):
    """``l1 * sum(|x|) + l2 * sum(x ** 2)``."""

    def __init__(self, l1=0.0, l2=0.0):
        self.l1 = _factor("L1L2", "l1", l1, 0.0)
        self.l2 = _factor("L1L2", "l2", l2, 0.0)

    def __call__(self, x):
        penalty = super().__call__(x)
        if self.l1:
            penalty = ops.add(penalty, ops.multiply(ops.sum(ops.abs(x)), self.l1))
        if self.l2:
            penalty = ops.add(penalty, ops.multiply(ops.sum(ops.square(x)), self.l2))
        return penalty

    def get_config(self):
        return {"l1": self.l1, "l2": self.l2}


ORTHOGONAL_MODES = ("rows", "columns")


class OrthogonalRegularizer(Regularizer):
    """``factor`` times the mean |cosine| between distinct rows (or columns) of a 2-D weight.

    Rows/columns are L2-normalized; the penalty is factor * sum_{i<j} |u_i . u_j| / (n(n-1)/2),
    and 0 for a single row/column (Keras gives NaN there).
    """

    def __init__(self, factor=0.01, mode="rows"):
        self.factor = _factor("OrthogonalRegularizer", "factor", factor, 0.01)
        self.mode = arguments.choice("OrthogonalRegularizer", "mode", mode, ORTHOGONAL_MODES)

    def __call__(self, x):
        x = ops.convert_to_tensor(x)
        shape = tuple(ops.shape(x))
        if len(shape) != 2:
            raise ValueError(f"OrthogonalRegularizer: expected a 2-D weight; received shape {shape}.")
        vectors = x if self.mode == "rows" else ops.transpose(x)
        count = shape[0] if self.mode == "rows" else shape[1]
        if count < 2:
            return ops.zeros((), ops.dtype(x))
        inverse_norms = ops.minimum(ops.rsqrt(ops.sum(ops.square(vectors), 1, keepdims=True)),
                                    1.0 / EPSILON)
        unit = ops.multiply(vectors, inverse_norms)
        cosines = ops.matmul(unit, ops.transpose(unit))
        off_diagonal = ops.multiply(cosines, ops.subtract(1.0, ops.eye(count, dtype=ops.dtype(x))))
        pairs = count * (count - 1) / 2.0
        return ops.multiply(ops.sum(ops.abs(off_diagonal)), 0.5 * self.factor / pairs)

    def get_config(self):
        return {"factor": self.factor, "mode": self.mode}


# Keras's lowercase aliases: ``regularizers.l2(1e-4)`` builds an L2.
l1 = L1
l2 = L2
l1_l2 = L1L2
orthogonal_regularizer = OrthogonalRegularizer

_CATALOG = Catalog("regularizer", Regularizer, {
    "l1": L1, "l2": L2, "l1_l2": L1L2, "orthogonal_regularizer": OrthogonalRegularizer,
})


def get(identifier: Any) -> Any:
    """Like the other catalogs' ``get``; the name "l1_l2" sets l1 = l2 = 0.01 (as the Keras
    docs state; Keras 3 itself has no such name)."""
    if isinstance(identifier, str) and identifier == "l1_l2":
        return L1L2(l1=0.01, l2=0.01)
    return _CATALOG.get(identifier)


serialize = _CATALOG.serialize
deserialize = _CATALOG.deserialize
names = _CATALOG.names
