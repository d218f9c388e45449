"""Validation of the constructor arguments spatial layers share.

Every error names the layer class, the argument, what it received and what it expected.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any

DATA_FORMATS = ("channels_last", "channels_first")
INTERPOLATIONS = ("nearest", "bilinear")


def _is_int(value: Any) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _is_real(value: Any) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def int_tuple(owner: str, argument: str, value: Any, rank: int, *, minimum: int = 1) -> tuple[int, ...]:
    """An int, or ``rank`` ints, each >= ``minimum``, as a tuple of ``rank`` ints."""
    if _is_int(value):
        values: tuple[Any, ...] = (value,) * rank
    elif isinstance(value, Sequence) and not isinstance(value, str):
        values = tuple(value)
    else:
        values = ()
    if len(values) != rank or not all(_is_int(v) and v >= minimum for v in values):
        raise ValueError(f"{owner}: argument `{argument}` must be an int >= {minimum} or {rank} of them "
                         f"(one per spatial axis); received {argument}={value!r}.")
    return tuple(int(v) for v in values)


def positive_int(owner: str, argument: str, value: Any) -> int:
    if not _is_int(value) or value <= 0:
        raise ValueError(f"{owner}: argument `{argument}` must be a positive int; received {argument}={value!r}.")
    return int(value)


def choice(owner: str, argument: str, value: Any, choices: Sequence[str]) -> str:
    """``value`` (case-insensitive) when it is one of ``choices``."""
    normalized = value.lower() if isinstance(value, str) else value
    if normalized not in choices:
        raise ValueError(f"{owner}: argument `{argument}` must be one of {', '.join(map(repr, choices))}; "
                         f"received {argument}={value!r}.")
    return normalized


def data_format(owner: str, value: Any) -> str:
    """``"channels_last"`` (the default, for None) or ``"channels_first"``."""
    return choice(owner, "data_format", "channels_last" if value is None else value, DATA_FORMATS)


def padding_pairs(owner: str, argument: str, value: Any, rank: int) -> tuple[tuple[int, int], ...]:
    """Per-axis (before, after) amounts from an int, ``rank`` ints (symmetric) or ``rank`` pairs.

    With rank 1, a pair of ints means (before, after), as in Keras's 1D layers.
    """
    def problem() -> ValueError:
        return ValueError(f"{owner}: argument `{argument}` must be a non-negative int, {rank} of them, or "
                          f"{rank} (before, after) pairs; received {argument}={value!r}.")

    if _is_int(value):
        pairs = ((value, value),) * rank
    elif not isinstance(value, Sequence) or isinstance(value, str):
        raise problem()
    elif rank == 1 and len(value) == 2 and all(_is_int(v) for v in value):
        pairs = (tuple(value),)
    elif len(value) == rank and all(_is_int(v) for v in value):
        pairs = tuple((v, v) for v in value)
    elif len(value) == rank and all(isinstance(p, Sequence) and len(p) == 2 and all(_is_int(v) for v in p)
                                    for p in value):
        pairs = tuple(tuple(p) for p in value)
    else:
        raise problem()
    if any(v < 0 for pair in pairs for v in pair):
        raise problem()
    return tuple((int(before), int(after)) for before, after in pairs)


def real(owner: str, argument: str, value: Any) -> float:
    if not _is_real(value):
        raise ValueError(f"{owner}: argument `{argument}` must be a number; received {argument}={value!r}.")
    return float(value)


def value_range(owner: str, value: Any) -> tuple[float, float]:
    """A (low, high) pair with low < high, e.g. (0, 255) or (0, 1)."""
    if (not isinstance(value, Sequence) or isinstance(value, str) or len(value) != 2
            or not all(map(_is_real, value)) or not value[0] < value[1]):
        raise ValueError(f"{owner}: argument `value_range` must be a pair (low, high) with low < high; "
                         f"received value_range={value!r}.")
    return float(value[0]), float(value[1])


def factor_range(owner: str, argument: str, value: Any, *, symmetric: bool = True) -> tuple[float, float]:
    """A random layer's (lower, upper) factor, each in [-1, 1] (in [0, 1] when not ``symmetric``).

    A single number f gives (-|f|, |f|) when ``symmetric`` (rotation, translation, zoom,
    brightness), else (f, f) (contrast: the deviations below and above 1). A pair is sorted.
    """
    if _is_real(value):
        pair: tuple[float, ...] = (-abs(float(value)), abs(float(value))) if symmetric else (float(value),) * 2
    elif isinstance(value, Sequence) and not isinstance(value, str) and len(value) == 2 and all(map(_is_real, value)):
        pair = tuple(sorted(float(v) for v in value))
    else:
        pair = ()
    low_limit = -1.0 if symmetric else 0.0
    if len(pair) != 2 or not all(low_limit <= v <= 1.0 for v in pair):
        raise ValueError(f"{owner}: argument `{argument}` must be a number or a (lower, upper) pair, each in "
                         f"[{low_limit:g}, 1]; received {argument}={value!r}.")
    return pair[0], pair[1]


def seed(owner: str, value: Any) -> int | None:
    if value is not None and (not _is_int(value) or value < 0):
        raise ValueError(f"{owner}: argument `seed` must be a non-negative int or None; received seed={value!r}.")
    return None if value is None else int(value)
