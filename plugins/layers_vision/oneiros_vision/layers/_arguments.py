"""Image-specific constructor-argument checks (the general ones are in ``oneiros.arguments``).

Every error names the layer class, the argument, what it received and what it expected.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any

INTERPOLATIONS = ("nearest", "bilinear")


def _is_real(value: Any) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


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
