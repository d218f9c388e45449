"""Helpers for layers' ``get_config``: JSON-ready values for optional configurable objects."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def optional(serialize: Callable[[Any], Any], value: Any) -> Any:
    """``serialize(value)``, or None when the layer was given none (no regularizer, no constraint)."""
    return None if value is None else serialize(value)


def shape_list(shape: Any) -> list | None:
    """A shape tuple as a JSON list (None stays None)."""
    return None if shape is None else list(shape)
