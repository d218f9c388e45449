"""Argument checks shared by optimizers and schedules: each error names the argument, the value
received and what is allowed."""

from __future__ import annotations

import numbers
from typing import Any


def _describe_range(minimum: float | None, maximum: float | None,
                    exclusive_minimum: bool, exclusive_maximum: bool) -> str:
    if minimum is not None and maximum is not None:
        left = "(" if exclusive_minimum else "["
        right = ")" if exclusive_maximum else "]"
        return f"a number in {left}{minimum:g}, {maximum:g}{right}"
    if minimum is not None:
        return f"a number {'>' if exclusive_minimum else '>='} {minimum:g}"
    if maximum is not None:
        return f"a number {'<' if exclusive_maximum else '<='} {maximum:g}"
    return "a real number"


def check_real(owner: str, argument: str, value: Any, *, minimum: float | None = None,
               maximum: float | None = None, exclusive_minimum: bool = False,
               exclusive_maximum: bool = False, optional: bool = False) -> float | None:
    """``value`` as a float after checking it is a real number within the given bounds.

    Raises TypeError for a value that is not a number, ValueError for one out of range (NaN
    included); ``optional`` lets None through.
    """
    allowed = _describe_range(minimum, maximum, exclusive_minimum, exclusive_maximum)
    if optional:
        allowed = f"None or {allowed}"
        if value is None:
            return None
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{owner}: argument `{argument}` must be {allowed}; "
                        f"received {argument}={value!r} of type {type(value).__name__}.")
    number = float(value)
    below = minimum is not None and (number <= minimum if exclusive_minimum else number < minimum)
    above = maximum is not None and (number >= maximum if exclusive_maximum else number > maximum)
    if number != number or below or above:
        raise ValueError(f"{owner}: argument `{argument}` must be {allowed}; "
                         f"received {argument}={value!r}.")
    return number


def check_bool(owner: str, argument: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"{owner}: argument `{argument}` must be True or False; "
                        f"received {argument}={value!r} of type {type(value).__name__}.")
    return value


def check_int(owner: str, argument: str, value: Any, *, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{owner}: argument `{argument}` must be an int >= {minimum}; "
                        f"received {argument}={value!r} of type {type(value).__name__}.")
    if value < minimum:
        raise ValueError(f"{owner}: argument `{argument}` must be an int >= {minimum}; "
                         f"received {argument}={value!r}.")
    return int(value)
