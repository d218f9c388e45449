"""Mask arithmetic shared by the attention layers (True = attend / keep)."""

from __future__ import annotations

from typing import Any

from oneiros import ops


def mask_penalty(dtype: str) -> float:
    """How far masked scores are pushed down: 1e9, or 65504 where float16 cannot hold it."""
    return 65504.0 if dtype == "float16" else 1.0e9


def combine(*masks: Any) -> Any:
    """Logical and of the masks that are not None (None when all are)."""
    combined = None
    for mask in masks:
        if mask is None:
            continue
        mask = ops.cast(mask, "bool")
        combined = mask if combined is None else ops.logical_and(combined, mask)
    return combined


def causal(query_length: int, key_length: int) -> Any:
    """(1, query_length, key_length): query position i may attend to key positions j <= i."""
    rows = ops.reshape(ops.arange(query_length, dtype="int32"), (1, query_length, 1))
    columns = ops.reshape(ops.arange(key_length, dtype="int32"), (1, 1, key_length))
    return ops.greater_equal(rows, columns)


def masked_softmax(scores: Any, mask: Any) -> Any:
    """Softmax over the last axis where ``mask`` is True; rows with nothing to attend to are 0."""
    if mask is None:
        return ops.softmax(scores, axis=-1)
    probabilities = ops.softmax(ops.where(mask, scores, -mask_penalty(ops.dtype(scores))), axis=-1)
    return ops.where(mask, probabilities, ops.zeros_like(probabilities))
