"""Validation of the arguments Keras's augmentation layers share: factor ranges within bounds,
odd kernel sizes, fill values. Each error names the layer, the argument, what it received and
what it expected."""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any

UNIT = (0.0, 1.0)


def _is_real(value: Any) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _is_pair(value: Any) -> bool:
    return isinstance(value, Sequence) and not isinstance(value, str) and len(value) == 2


def bounded_range(owner: str, argument: str, value: Any, bounds: tuple[float, float] = UNIT) -> tuple[float, float]:
    """Keras's factor rule: a number f gives (max(-|f|, low bound), |f|), a pair is sorted; every
    number must lie within ``bounds``."""
    if _is_real(value) and bounds[0] <= value <= bounds[1]:
        magnitude = abs(float(value))
        return max(-magnitude, float(bounds[0])), magnitude
    if _is_pair(value) and all(_is_real(v) and bounds[0] <= v <= bounds[1] for v in value):
        low, high = sorted(float(v) for v in value)
        return low, high
    raise ValueError(f"{owner}: argument `{argument}` must be a number or a (lower, upper) pair, each in "
                     f"[{bounds[0]:g}, {bounds[1]:g}]; received {argument}={value!r}.")


def probability(owner: str, argument: str, value: Any) -> float:
    if not _is_real(value) or not 0.0 <= value <= 1.0:
        raise ValueError(f"{owner}: argument `{argument}` must be a number in [0, 1]; received {argument}={value!r}.")
    return float(value)


def non_negative_real(owner: str, argument: str, value: Any) -> float:
    if not _is_real(value) or value < 0:
        raise ValueError(f"{owner}: argument `{argument}` must be a number >= 0; received {argument}={value!r}.")
    return float(value)


def odd_sizes(owner: str, argument: str, value: Any) -> tuple[int, int]:
    """An odd int, or a pair of odd ints, as a pair."""
    sizes = (value, value) if isinstance(value, numbers.Integral) else tuple(value) if _is_pair(value) else ()
    if len(sizes) != 2 or not all(isinstance(v, numbers.Integral) and not isinstance(v, bool) and v > 0
                                  and v % 2 == 1 for v in sizes):
        raise ValueError(f"{owner}: argument `{argument}` must be an odd positive int or a pair of them; "
                         f"received {argument}={value!r}.")
    return int(sizes[0]), int(sizes[1])


def fill_value(owner: str, value: Any) -> float | tuple[float, ...] | None:
    """None (random noise), a number, or one number per channel of an RGB image."""
    if value is None or _is_real(value):
        return value if value is None else float(value)
    if isinstance(value, Sequence) and len(value) == 3 and all(map(_is_real, value)):
        return tuple(float(v) for v in value)
    raise ValueError(f"{owner}: argument `fill_value` must be None, a number or 3 numbers (one per channel); "
                     f"received fill_value={value!r}.")


def positive_real(owner: str, argument: str, value: Any) -> float:
    if not _is_real(value) or value <= 0:
        raise ValueError(f"{owner}: argument `{argument}` must be a number > 0; received {argument}={value!r}.")
    return float(value)
