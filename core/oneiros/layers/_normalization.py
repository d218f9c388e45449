"""The affine form shared by the moment-based normalizations: ``x * multiplier + offset``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from oneiros import ops


def affine_from_moments(mean: Any, variance: Any, epsilon: float, gamma: Any, beta: Any,
                        broadcast: Callable[[Any], Any]) -> tuple[Any, Any]:
    """The multiplier and offset that normalize with ``mean`` and ``variance`` and then apply the
    optional ``gamma`` and ``beta`` weights (``broadcast`` turns a weight into a float32 tensor
    that lines up with the moments), so the inputs see one multiply and one add."""
    multiplier = ops.rsqrt(ops.add(variance, epsilon))
    if gamma is not None:
        multiplier = ops.multiply(multiplier, broadcast(gamma))
    offset = ops.negative(ops.multiply(mean, multiplier))
    if beta is not None:
        offset = ops.add(offset, broadcast(beta))
    return multiplier, offset
