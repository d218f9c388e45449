"""Keras's debugging caps (``keras.config.set_max_epochs`` / ``set_max_steps_per_epoch``): ``fit``
runs at most this many epochs, and ``fit``'s epochs, ``evaluate`` and ``predict`` at most this many
steps, each warning when it cuts, as Keras's (``fit``'s validation passes are not cut; Keras's are).

Like Keras they start from ``KERAS_MAX_EPOCHS`` / ``KERAS_MAX_STEPS_PER_EPOCH`` when set; they are
read at each ``fit``, never at import.
"""

from __future__ import annotations

import os
import warnings

_ENVIRONMENT = {"max_epochs": "KERAS_MAX_EPOCHS", "max_steps_per_epoch": "KERAS_MAX_STEPS_PER_EPOCH"}
_caps: dict[str, int | None] = {}


def cap(name: str) -> int | None:
    """The cap called ``name`` (``"max_epochs"`` or ``"max_steps_per_epoch"``), or None."""
    if name not in _caps:
        value = os.environ.get(_ENVIRONMENT[name])
        if value and not value.isdigit():
            raise ValueError(f"{_ENVIRONMENT[name]} must be a whole number of {name.removeprefix('max_')}; "
                             f"received {value!r}.")
        _caps[name] = int(value) if value else None
    return _caps[name]


def set_cap(name: str, value: int | None) -> None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
        raise ValueError(f"{name} must be None or an int >= 0 (0 and None: no cap); received {value!r}.")
    _caps[name] = value


def capped_epochs(epochs: int) -> int:
    """``epochs``, or the max_epochs cap when it is smaller (Keras's rule and warning)."""
    limit = cap("max_epochs")
    if limit and limit < epochs:
        warnings.warn(f"Limiting epochs to {limit}", stacklevel=3)
        return limit
    return epochs


def capped_steps(steps_per_epoch: int | None) -> int | None:
    """``steps_per_epoch``, or the max_steps_per_epoch cap when it is smaller or no count was given."""
    limit = cap("max_steps_per_epoch")
    if limit and (not steps_per_epoch or limit < steps_per_epoch):
        warnings.warn(f"Limiting steps_per_epoch to {limit}", stacklevel=3)
        return limit
    return steps_per_epoch
