"""Gradient clipping with Keras 3's formulas, written with ``oneiros.ops``."""

from __future__ import annotations

from typing import Any

from oneiros import ops


def clip_by_norm(grad: Any, clipnorm: float) -> Any:
    """``grad`` rescaled so its L2 norm is at most ``clipnorm``."""
    squared_norm = ops.sum(ops.square(grad), keepdims=True)
    nonzero = ops.greater(squared_norm, 0)
    # The inner where keeps sqrt away from 0, whose derivative is infinite, as Keras does.
    norm = ops.where(nonzero, ops.sqrt(ops.where(nonzero, squared_norm, ops.ones_like(squared_norm))),
                     squared_norm)
    return ops.divide(ops.multiply(grad, clipnorm), ops.maximum(norm, clipnorm))


def clip_by_global_norm(grads: list[Any], clipnorm: float) -> list[Any]:
    """Every gradient scaled by one factor so that their joint L2 norm is at most ``clipnorm``.

    None entries (variables without a gradient) are kept and left out of the norm.
    """
    present = [grad for grad in grads if grad is not None]
    if not present:
        return list(grads)
    squared_norm = ops.sum(ops.stack([ops.sum(ops.square(ops.cast(grad, "float32")))
                                      for grad in present]))
    norm = ops.sqrt(squared_norm)
    # Adding (norm - norm) turns the scale into NaN for an infinite or NaN norm, as in Keras,
    # so a diverged step shows up instead of being silently zeroed.
    scale = ops.add(ops.divide(clipnorm, ops.maximum(norm, clipnorm)), ops.subtract(norm, norm))
    return [None if grad is None else ops.multiply(grad, ops.cast(scale, ops.dtype(grad)))
            for grad in grads]


def clip_by_value(grad: Any, clipvalue: float) -> Any:
    """``grad`` with every element limited to [-clipvalue, clipvalue]."""
    return ops.clip(grad, -clipvalue, clipvalue)
