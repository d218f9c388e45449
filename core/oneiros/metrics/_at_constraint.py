"""One rate maximized subject to a floor on another, over fixed thresholds: PrecisionAtRecall,
RecallAtPrecision, SensitivityAtSpecificity and SpecificityAtSensitivity."""

from __future__ import annotations

from typing import Any

from oneiros import ops
from oneiros.losses._numerics import divide_no_nan
from oneiros.metrics._base import State
from oneiros.metrics._confusion import COUNTS, _ThresholdedMetric


def evenly_spaced_thresholds(owner: str, num_thresholds: Any) -> list[float]:
    """Keras's thresholds: 0, 1 and ``num_thresholds - 2`` evenly between (0.5 alone for 1)."""
    if not isinstance(num_thresholds, int) or isinstance(num_thresholds, bool) or num_thresholds < 1:
        raise ValueError(f"{owner}: expected num_thresholds, an int >= 1; received {num_thresholds!r}.")
    if num_thresholds == 1:
        return [0.5]
    return [0.0] + [(i + 1) / (num_thresholds - 1) for i in range(num_thresholds - 2)] + [1.0]


def _rate(state: State, hits: str, misses: str) -> Any:
    return divide_no_nan(state[hits], ops.add(state[hits], state[misses]))


RATES = {
    "precision": ("true_positives", "false_positives"),
    "recall": ("true_positives", "false_negatives"),
    "sensitivity": ("true_positives", "false_negatives"),
    "specificity": ("true_negatives", "false_positives"),
}
"""Each rate as ``(hits, misses)``: hits / (hits + misses)."""


class _RateAtConstraint(_ThresholdedMetric):
    """The best ``MAXIMIZED`` rate over the thresholds where the ``CONSTRAINED`` rate >= the floor."""

    counts = COUNTS
    MAXIMIZED: str
    CONSTRAINED: str

    def __init__(self, floor: float, num_thresholds: int = 200, class_id: int | None = None, name: str | None = None,
                 dtype: Any = None):
        owner = type(self).__name__
        if not 0.0 <= floor <= 1.0:
            raise ValueError(f"{owner}: expected {self.CONSTRAINED} in [0, 1]; received {self.CONSTRAINED}={floor!r}.")
        super().__init__(evenly_spaced_thresholds(owner, num_thresholds), None, class_id, name, dtype)
        self.num_thresholds = num_thresholds
        setattr(self, self.CONSTRAINED, floor)

    def compute(self, state: State) -> Any:
        constrained = _rate(state, *RATES[self.CONSTRAINED])
        maximized = _rate(state, *RATES[self.MAXIMIZED])
        feasible = ops.greater_equal(constrained, getattr(self, self.CONSTRAINED))
        return ops.max(ops.where(feasible, maximized, ops.zeros_like(maximized)))

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name, "dtype": self.dtype, "class_id": self.class_id,
                "num_thresholds": self.num_thresholds, self.CONSTRAINED: getattr(self, self.CONSTRAINED)}


class PrecisionAtRecall(_RateAtConstraint):
    """The best precision at a recall of at least ``recall``."""

    MAXIMIZED, CONSTRAINED = "precision", "recall"

    def __init__(self, recall: float, num_thresholds: int = 200, class_id: int | None = None,
                 name: str | None = None, dtype: Any = None):
        super().__init__(recall, num_thresholds, class_id, name, dtype)


class RecallAtPrecision(_RateAtConstraint):
    """The best recall at a precision of at least ``precision``."""

    MAXIMIZED, CONSTRAINED = "recall", "precision"

    def __init__(self, precision: float, num_thresholds: int = 200, class_id: int | None = None,
                 name: str | None = None, dtype: Any = None):
        super().__init__(precision, num_thresholds, class_id, name, dtype)


class SensitivityAtSpecificity(_RateAtConstraint):
    """The best sensitivity (recall) at a specificity of at least ``specificity``."""

    MAXIMIZED, CONSTRAINED = "sensitivity", "specificity"

    def __init__(self, specificity: float, num_thresholds: int = 200, class_id: int | None = None,
                 name: str | None = None, dtype: Any = None):
        super().__init__(specificity, num_thresholds, class_id, name, dtype)


class SpecificityAtSensitivity(_RateAtConstraint):
    """The best specificity at a sensitivity (recall) of at least ``sensitivity``."""

    MAXIMIZED, CONSTRAINED = "specificity", "sensitivity"

    def __init__(self, sensitivity: float, num_thresholds: int = 200, class_id: int | None = None,
                 name: str | None = None, dtype: Any = None):
        super().__init__(sensitivity, num_thresholds, class_id, name, dtype)
