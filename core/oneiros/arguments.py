"""Constructor-argument checks for layers, optimizers, callbacks and plugins.

Each check takes the owner (the class or function name for the message), the argument's name and
the value, and returns the value normalized (an int, a float, a tuple...). A failure names the
owner, the argument, the value received and what is allowed, and is raised before the caller
keeps any state, so constructors call these first::

    from oneiros import arguments

    class GatedDense(oi.layers.Layer):
        def __init__(self, units, rate=0.0, seed=None, **kwargs):
            self.units = arguments.positive_int("GatedDense", "units", units)
            self.rate = arguments.fraction("GatedDense", "rate", rate, allow_one=False)
            self.seed = arguments.seed("GatedDense", seed)
            super().__init__(**kwargs)

A value of the wrong type raises :class:`ArgumentTypeError`, which is both a TypeError (Python's
convention) and a ValueError (what Keras raises); a value out of range raises ValueError.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Sequence
from typing import Any

DATA_FORMATS = ("channels_last", "channels_first")

__all__ = ["DATA_FORMATS", "ArgumentTypeError", "axes", "choice", "config_axes", "data_format", "flag",
           "fraction", "int_tuple", "integer", "noise_shape", "padding_pairs", "positive_int", "real", "seed"]


class ArgumentTypeError(TypeError, ValueError):
    """An argument of the wrong type (a string where a number belongs...)."""


def _is_int(value: Any) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _received(argument: str, value: Any) -> str:
    return f"received {argument}={value!r}"


def real(owner: str, argument: str, value: Any, *, minimum: float | None = None, maximum: float | None = None,
         exclusive_minimum: bool = False, exclusive_maximum: bool = False, optional: bool = False) -> Any:
    """``value`` as a finite float within the bounds (each inclusive unless ``exclusive_*``); None
    too when ``optional``."""
    allowed = _describe_range(minimum, maximum, exclusive_minimum, exclusive_maximum)
    if optional:
        if value is None:
            return None
        allowed = f"None or {allowed}"
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ArgumentTypeError(f"{owner}: argument `{argument}` must be {allowed}; {_received(argument, value)} "
                                f"of type {type(value).__name__}.")
    number = float(value)
    below = minimum is not None and (number <= minimum if exclusive_minimum else number < minimum)
    above = maximum is not None and (number >= maximum if exclusive_maximum else number > maximum)
    if not math.isfinite(number) or below or above:
        raise ValueError(f"{owner}: argument `{argument}` must be {allowed}; {_received(argument, value)}.")
    return number


def fraction(owner: str, argument: str, value: Any, *, allow_one: bool = True) -> float:
    """A rate or probability in [0, 1] (in [0, 1) without ``allow_one``: a dropout rate)."""
    return real(owner, argument, value, minimum=0.0, maximum=1.0, exclusive_maximum=not allow_one)


def integer(owner: str, argument: str, value: Any, *, minimum: int, optional: bool = False) -> Any:
    """An int >= ``minimum`` (bools, floats and strings refused); None too when ``optional``."""
    if value is None and optional:
        return None
    allowed = f"{'None or ' if optional else ''}an int >= {minimum}"
    if not _is_int(value):
        raise ArgumentTypeError(f"{owner}: argument `{argument}` must be {allowed}; {_received(argument, value)} "
                                f"of type {type(value).__name__}.")
    if value < minimum:
        raise ValueError(f"{owner}: argument `{argument}` must be {allowed}; {_received(argument, value)}.")
    return int(value)


def positive_int(owner: str, argument: str, value: Any, *, optional: bool = False) -> Any:
    """An int >= 1; None too when ``optional``."""
    return integer(owner, argument, value, minimum=1, optional=optional)


def flag(owner: str, argument: str, value: Any) -> bool:
    """True or False (not 0, 1 or a string)."""
    if not isinstance(value, bool):
        raise ArgumentTypeError(f"{owner}: argument `{argument}` must be True or False; "
                                f"{_received(argument, value)} of type {type(value).__name__}.")
    return value


def choice(owner: str, argument: str, value: Any, allowed: Iterable[Any]) -> Any:
    """``value`` when it is one of ``allowed``; a string differing only in case gives the allowed one."""
    allowed = tuple(allowed)
    if value in allowed:
        return value
    if isinstance(value, str) and value.lower() in allowed:
        return value.lower()
    raise ValueError(f"{owner}: argument `{argument}` must be one of {', '.join(map(repr, allowed))}; "
                     f"{_received(argument, value)}.")


def data_format(owner: str, value: Any) -> str:
    """``"channels_last"`` (the default, for None) or ``"channels_first"``."""
    return choice(owner, "data_format", "channels_last" if value is None else value, DATA_FORMATS)


def seed(owner: str, value: Any) -> int | None:
    """None (draw from ``oneiros.random_state`` on each call) or a non-negative int below 2**63."""
    if value is None:
        return None
    if not _is_int(value) or not 0 <= value < 2**63:
        raise ValueError(f"{owner}: argument `seed` must be None or an int in [0, 2**63); "
                         f"{_received('seed', value)}.")
    return int(value)


def axes(owner: str, argument: str, value: Any, *, optional: bool = False) -> int | tuple[int, ...] | None:
    """An int axis, or a list/tuple of distinct ints (returned as a tuple); None when optional."""
    if value is None and optional:
        return None
    if _is_int(value):
        return int(value)
    if isinstance(value, (list, tuple)) and value and all(map(_is_int, value)) and len(set(value)) == len(value):
        return tuple(int(axis) for axis in value)
    raise ValueError(f"{owner}: argument `{argument}` must be {'None or ' if optional else ''}an int or a "
                     f"non-empty list of distinct ints; {_received(argument, value)}.")


def config_axes(value: int | tuple[int, ...] | None) -> int | list[int] | None:
    """An axis argument as it goes into a JSON config (tuples become lists)."""
    return list(value) if isinstance(value, tuple) else value


def int_tuple(owner: str, argument: str, value: Any, rank: int, *, minimum: int = 1) -> tuple[int, ...]:
    """An int, or ``rank`` ints, each >= ``minimum``, as a tuple of ``rank`` ints (kernel sizes, strides)."""
    if _is_int(value):
        values: tuple[Any, ...] = (value,) * rank
    elif isinstance(value, Sequence) and not isinstance(value, str):
        values = tuple(value)
    else:
        values = ()
    if len(values) != rank or not all(_is_int(v) and v >= minimum for v in values):
        raise ValueError(f"{owner}: argument `{argument}` must be an int >= {minimum} or {rank} of them "
                         f"(one per spatial axis); {_received(argument, value)}.")
    return tuple(int(v) for v in values)


def padding_pairs(owner: str, argument: str, value: Any, rank: int) -> tuple[tuple[int, int], ...]:
    """Per-axis (before, after) amounts from an int, ``rank`` ints (symmetric) or ``rank`` pairs.

    With rank 1, a pair of ints means (before, after), as in Keras's 1D layers.
    """
    def problem() -> ValueError:
        return ValueError(f"{owner}: argument `{argument}` must be a non-negative int, {rank} of them, or "
                          f"{rank} (before, after) pairs; {_received(argument, value)}.")

    if _is_int(value):
        pairs = ((value, value),) * rank
    elif not isinstance(value, Sequence) or isinstance(value, str):
        raise problem()
    elif rank == 1 and len(value) == 2 and all(map(_is_int, value)):
        pairs = (tuple(value),)
    elif len(value) == rank and all(map(_is_int, value)):
        pairs = tuple((v, v) for v in value)
    elif len(value) == rank and all(isinstance(p, Sequence) and len(p) == 2 and all(map(_is_int, p))
                                    for p in value):
        pairs = tuple(tuple(p) for p in value)
    else:
        raise problem()
    if any(v < 0 for pair in pairs for v in pair):
        raise problem()
    return tuple((int(before), int(after)) for before, after in pairs)


def noise_shape(owner: str, value: Any) -> tuple[int | None, ...] | None:
    """None, or a dropout noise shape: positive ints, with None for "the input's size"."""
    if value is None:
        return None
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence) or any(
            size is not None and (not _is_int(size) or size <= 0) for size in value):
        raise ValueError(f"{owner}: argument `noise_shape` must be None or a sequence of positive ints "
                         f"and None; {_received('noise_shape', value)}.")
    return tuple(value)


def _describe_range(minimum: float | None, maximum: float | None,
                    exclusive_minimum: bool, exclusive_maximum: bool) -> str:
    if minimum is not None and maximum is not None:
        left, right = "(" if exclusive_minimum else "[", ")" if exclusive_maximum else "]"
        return f"a finite number in {left}{minimum:g}, {maximum:g}{right}"
    if minimum is not None:
        return f"a finite number {'>' if exclusive_minimum else '>='} {minimum:g}"
    if maximum is not None:
        return f"a finite number {'<' if exclusive_maximum else '<='} {maximum:g}"
    return "a finite number"
