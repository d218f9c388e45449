"""Argument generators for cases: float32 by default, shaped to stay clear of trouble spots.

Gradient cases need inputs away from kinks (relu at 0, abs at 0, ties in max/sort), so the
helpers here make that explicit: :func:`away_from_zero` and :func:`distinct`.
"""

from __future__ import annotations

import numpy as np

Shape = tuple[int, ...]


def normal(r: np.random.Generator, shape: Shape, scale: float = 1.0, dtype: str = "float32") -> np.ndarray:
    return np.asarray(r.standard_normal(shape) * scale).astype(dtype)


def uniform(r: np.random.Generator, shape: Shape, low: float, high: float,
            dtype: str = "float32") -> np.ndarray:
    return np.asarray(r.uniform(low, high, shape)).astype(dtype)


def away_from_zero(r: np.random.Generator, shape: Shape, low: float = 0.2, high: float = 2.0) -> np.ndarray:
    """Magnitudes in [low, high) with random signs: no element near zero."""
    signs = np.where(r.random(shape) < 0.5, -1.0, 1.0)
    return np.asarray(signs * r.uniform(low, high, shape)).astype("float32")


def distinct(r: np.random.Generator, shape: Shape, spacing: float = 0.1, offset: float = 0.0) -> np.ndarray:
    """Shuffled values ``spacing`` apart, centred on ``offset``: no ties, no near-ties."""
    size = int(np.prod(shape))
    values = (np.arange(size) - (size - 1) / 2) * spacing + offset
    return r.permutation(values).reshape(shape).astype("float32")


def integers(r: np.random.Generator, shape: Shape, low: int, high: int, dtype: str = "int32") -> np.ndarray:
    return np.asarray(r.integers(low, high, shape)).astype(dtype)


def booleans(r: np.random.Generator, shape: Shape) -> np.ndarray:
    return np.asarray(r.random(shape) < 0.5)
