"""Constructor-argument checks for initializers, regularizers and constraints.

Every failure is a ValueError naming the owner, the argument, the value received and what is
allowed, raised in ``__init__`` before the object keeps any state.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable
from typing import Any


def real(owner: str, argument: str, value: Any, *, minimum: float | None = None,
         maximum: float | None = None, exclusive_minimum: bool = False) -> float:
    """``value`` as a finite float within [minimum, maximum] (or (minimum, ...] when exclusive)."""
    allowed = _describe_range(minimum, maximum, exclusive_minimum)
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
        raise ValueError(f"{owner}: argument `{argument}` must be {allowed}; "
                         f"received {argument}={value!r}.")
    number = float(value)
    below = minimum is not None and (number <= minimum if exclusive_minimum else number < minimum)
    above = maximum is not None and number > maximum
    if below or above:
        raise ValueError(f"{owner}: argument `{argument}` must be {allowed}; "
                         f"received {argument}={value!r}.")
    return number


def choice(owner: str, argument: str, value: Any, allowed: Iterable[str]) -> str:
    allowed = tuple(allowed)
    if value not in allowed:
        raise ValueError(f"{owner}: argument `{argument}` must be one of "
                         f"{', '.join(map(repr, allowed))}; received {argument}={value!r}.")
    return value


def seed(owner: str, value: Any) -> int | None:
    """None (draw from ``oneiros.random_state`` on each call) or a non-negative int below 2**63."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or not 0 <= value < 2**63:
        raise ValueError(f"{owner}: argument `seed` must be None or an int in [0, 2**63); "
                         f"received seed={value!r}.")
    return int(value)


def axes(owner: str, argument: str, value: Any, *, optional: bool = False) -> int | tuple[int, ...] | None:
    """An int axis, or a list/tuple of distinct ints (returned as a tuple); None when optional."""
    if value is None and optional:
        return None
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return int(value)
    if isinstance(value, (list, tuple)) and value and all(
            isinstance(axis, numbers.Integral) and not isinstance(axis, bool) for axis in value):
        if len(set(value)) == len(value):
            return tuple(int(axis) for axis in value)
    allowed = "an int or a non-empty list of distinct ints"
    raise ValueError(f"{owner}: argument `{argument}` must be "
                     f"{'None or ' if optional else ''}{allowed}; received {argument}={value!r}.")


def config_axes(value: int | tuple[int, ...] | None) -> int | list[int] | None:
    """An axis argument as it goes into a JSON config (tuples become lists)."""
    return list(value) if isinstance(value, tuple) else value


def _describe_range(minimum: float | None, maximum: float | None, exclusive_minimum: bool) -> str:
    if minimum is not None and maximum is not None:
        return f"a finite number in {'(' if exclusive_minimum else '['}{minimum:g}, {maximum:g}]"
    if minimum is not None:
        return f"a finite number {'>' if exclusive_minimum else '>='} {minimum:g}"
    if maximum is not None:
        return f"a finite number <= {maximum:g}"
    return "a finite number"


def positive_int(owner: str, argument: str, value: Any, *, optional: bool = False) -> int | None:
    """An int >= 1 (bools, floats and strings refused); None too when optional."""
    if value is None and optional:
        return None
    if isinstance(value, numbers.Integral) and not isinstance(value, bool) and value >= 1:
        return int(value)
    raise ValueError(f"{owner}: argument `{argument}` must be {'None or ' if optional else ''}an int >= 1; "
                     f"received {argument}={value!r}.")
