"""Means of probabilistic and hinge losses, as metrics: crossentropies, KL, Poisson, hinges."""

from __future__ import annotations

from typing import Any

from oneiros.losses._hinge import categorical_hinge, hinge, squared_hinge
from oneiros.losses._probabilistic import (
    binary_crossentropy,
    categorical_crossentropy,
    ignore_class_mask,
    kl_divergence,
    poisson,
    sparse_categorical_crossentropy,
)
from oneiros.metrics._reduction import BuiltinMeanMetric


class BinaryCrossentropy(BuiltinMeanMetric):
    """The mean binary crossentropy of 0/1 labels and probabilities (or logits)."""

    function = binary_crossentropy

    def __init__(self, name: str = "binary_crossentropy", dtype: Any = None,
                 from_logits: bool = False, label_smoothing: float = 0.0):
        super().__init__(name, dtype, from_logits=from_logits, label_smoothing=label_smoothing)


class CategoricalCrossentropy(BuiltinMeanMetric):
    """The mean crossentropy of one-hot labels and class probabilities (or logits)."""

    function = categorical_crossentropy

    def __init__(self, name: str = "categorical_crossentropy", dtype: Any = None,
                 from_logits: bool = False, label_smoothing: float = 0.0, axis: int = -1):
        super().__init__(name, dtype, from_logits=from_logits, label_smoothing=label_smoothing,
                         axis=axis)


class SparseCategoricalCrossentropy(BuiltinMeanMetric):
    """The mean crossentropy of integer labels; ``ignore_class`` labels are left out of the mean."""

    function = sparse_categorical_crossentropy

    def __init__(self, name: str = "sparse_categorical_crossentropy", dtype: Any = None,
                 from_logits: bool = False, ignore_class: int | None = None, axis: int = -1):
        super().__init__(name, dtype, from_logits=from_logits, ignore_class=ignore_class, axis=axis)

    def valid_mask(self, y_true: Any, y_pred: Any) -> Any:
        return ignore_class_mask(y_true, y_pred, self.ignore_class, self.axis)


class KLDivergence(BuiltinMeanMetric):
    """The mean Kullback-Leibler divergence of ``y_true`` from ``y_pred``."""

    function = kl_divergence

    def __init__(self, name: str = "kl_divergence", dtype: Any = None):
        super().__init__(name, dtype)


class Poisson(BuiltinMeanMetric):
    """The mean of ``y_pred - y_true * log(y_pred)``."""

    function = poisson

    def __init__(self, name: str = "poisson", dtype: Any = None):
        super().__init__(name, dtype)


class Hinge(BuiltinMeanMetric):
    """The mean hinge loss (0/1 labels are mapped to -1/1)."""

    function = hinge

    def __init__(self, name: str = "hinge", dtype: Any = None):
        super().__init__(name, dtype)


class SquaredHinge(BuiltinMeanMetric):
    """The mean squared hinge loss."""

    function = squared_hinge

    def __init__(self, name: str = "squared_hinge", dtype: Any = None):
        super().__init__(name, dtype)


class CategoricalHinge(BuiltinMeanMetric):
    """The mean categorical hinge loss of one-hot labels."""

    function = categorical_hinge

    def __init__(self, name: str = "categorical_hinge", dtype: Any = None):
        super().__init__(name, dtype)
