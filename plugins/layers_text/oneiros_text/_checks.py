"""Constructor-argument checks shared by the plugin's layers, loaders and functions.

Every failure is a ValueError that names the owner, the argument, the value received and what
is allowed, raised before the caller keeps any state.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable
from typing import Any


def positive_int(owner: str, argument: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value <= 0:
        raise ValueError(f"{owner}: argument `{argument}` must be a positive int; received {argument}={value!r}.")
    return int(value)


def optional_positive_int(owner: str, argument: str, value: Any) -> int | None:
    return None if value is None else positive_int(owner, argument, value)


def rate(owner: str, argument: str, value: Any) -> float:
    """A dropout rate in [0, 1)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value) \
            or not 0 <= value < 1:
        raise ValueError(f"{owner}: argument `{argument}` must be a number in [0, 1); "
                         f"received {argument}={value!r}.")
    return float(value)


def seed(owner: str, value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 0:
        raise ValueError(f"{owner}: argument `seed` must be None or a non-negative int; received seed={value!r}.")
    return int(value)


def choice(owner: str, argument: str, value: Any, allowed: Iterable[Any]) -> Any:
    allowed = tuple(allowed)
    if value not in allowed:
        raise ValueError(f"{owner}: argument `{argument}` must be one of {', '.join(map(repr, allowed))}; "
                         f"received {argument}={value!r}.")
    return value


def flag(owner: str, argument: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"{owner}: argument `{argument}` must be True or False; received {argument}={value!r}.")
    return value
