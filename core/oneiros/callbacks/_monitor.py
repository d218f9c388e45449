"""What the monitoring callbacks share: which way a logged quantity improves, and when a change
counts as an improvement."""

from __future__ import annotations

import warnings
from typing import Literal

import numpy as np

Direction = Literal["min", "max"]

MODES = ("auto", "min", "max")

_MINIMIZED_WORDS = frozenset({"loss", "error", "mse", "mae", "mape", "msle", "rmse", "logcosh",
                              "crossentropy", "divergence", "kld", "poisson", "hinge"})
_MAXIMIZED_WORDS = frozenset({"acc", "accuracy", "auc", "precision", "recall", "sensitivity",
                              "specificity", "iou", "f1", "fbeta", "r2", "similarity",
                              "correlation"})
"""Words of the Keras metric names whose metric has ``_direction = "up"`` (or "down"): Keras
asks the compiled metric object; Oneiros decides from the name, so that a wrong mode is an error
at construction rather than after the first epoch."""


def infer_direction(owner: str, monitor: str, mode: str) -> Direction:
    """``"min"`` or ``"max"``: ``mode`` itself, or for ``"auto"`` the direction the name implies."""
    if not isinstance(monitor, str):
        raise TypeError(f"{owner}: argument `monitor` must be the name of a logged quantity (a "
                        f"string); received monitor={monitor!r}.")
    if mode not in MODES:
        raise ValueError(f"{owner}: argument `mode` must be one of {MODES}; received mode={mode!r}.")
    if mode != "auto":
        return mode
    words = set(monitor.removeprefix("val_").split("_"))
    minimized, maximized = bool(words & _MINIMIZED_WORDS), bool(words & _MAXIMIZED_WORDS)
    if minimized != maximized:
        return "min" if minimized else "max"
    raise ValueError(f"{owner} received monitor={monitor!r} with mode='auto', but cannot tell "
                     "whether that quantity should be minimized or maximized. Pass mode='min' or "
                     "mode='max'.")


def is_improvement(direction: Direction, min_delta: float, current: float,
                   reference: float | None) -> bool:
    """Whether ``current`` beats ``reference`` by more than ``min_delta``.

    Compared in float32, like Keras (its ``ops.less`` / ``ops.greater`` take Python floats as
    float32), so that a tie at float32 precision is no improvement in either library.
    """
    if reference is None:
        return True
    if direction == "min":
        return bool(np.float32(current + min_delta) < np.float32(reference))
    return bool(np.float32(current - min_delta) > np.float32(reference))


def warn_missing(subject: str, monitor: str, logs: dict) -> None:
    warnings.warn(f"{subject} is conditioned on metric `{monitor}` which is not available. "
                  f"Available metrics are: {','.join(logs)}", stacklevel=3)
