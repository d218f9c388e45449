"""Shape rules shared by losses and metrics: Keras's rank alignment, and checks that fail early.

Shapes are static (``ops.shape`` returns a tuple of ints), so every check here runs in Python
before any tensor work, inside compiled steps too.
"""

from __future__ import annotations

from typing import Any

from oneiros import dtypes, ops

Shape = tuple[int, ...]


def shape_of(x: Any) -> Shape:
    return tuple(ops.shape(x))


def squeeze_or_expand_to_same_rank(x1: Any, x2: Any, expand_rank_1: bool = True) -> tuple[Any, Any]:
    """Aligns ranks that differ by one trailing axis of size 1, as Keras does.

    A rank-1 partner is expanded (``(n,)`` with ``(n, 1)`` gives two ``(n, 1)``) when
    ``expand_rank_1``; otherwise the size-1 axis is squeezed away.
    """
    rank1, rank2 = len(shape_of(x1)), len(shape_of(x2))
    if rank1 == rank2 + 1 and shape_of(x1)[-1] == 1:
        if rank2 == 1 and expand_rank_1:
            return x1, ops.expand_dims(x2, -1)
        return ops.squeeze(x1, -1), x2
    if rank2 == rank1 + 1 and shape_of(x2)[-1] == 1:
        if rank1 == 1 and expand_rank_1:
            return ops.expand_dims(x1, -1), x2
        return x1, ops.squeeze(x2, -1)
    return x1, x2


def broadcast_shape(*shapes: Shape) -> Shape | None:
    """The numpy broadcast of ``shapes``, or None when they do not broadcast."""
    rank = max((len(s) for s in shapes), default=0)
    result = []
    for position in range(rank):
        sizes = {s[len(s) - rank + position] for s in shapes if len(s) - rank + position >= 0}
        sizes.discard(1)
        if len(sizes) > 1:
            return None
        result.append(sizes.pop() if sizes else 1)
    return tuple(result)


def require_same_shape(owner: str, y_true: Any, y_pred: Any, raw_true: Shape, raw_pred: Shape) -> None:
    """Raises unless ``y_true`` and ``y_pred`` (already rank-aligned) have one shape."""
    if shape_of(y_true) != shape_of(y_pred):
        raise ValueError(
            f"{owner}: y_true has shape {raw_true} and y_pred has shape {raw_pred}; expected "
            "equal shapes (a trailing axis of size 1 on one side only is ignored)."
        )


def align_sample_weight(owner: str, sample_weight: Any, values: Any) -> tuple[Any, Any]:
    """``(values, weights)`` with the weights broadcast to the values' shape.

    Keras's rank alignment first; weights of lower rank then gain trailing axes, so per-sample
    weights ``(batch,)`` apply to per-timestep values ``(batch, steps)``.
    """
    raw_weight, raw_values = shape_of(sample_weight), shape_of(values)
    values, sample_weight = squeeze_or_expand_to_same_rank(values, sample_weight)
    value_shape, weight_shape = shape_of(values), shape_of(sample_weight)
    if 0 < len(weight_shape) < len(value_shape):
        trailing = tuple(range(len(weight_shape), len(value_shape)))
        sample_weight = ops.expand_dims(sample_weight, trailing)
        weight_shape = shape_of(sample_weight)
    if broadcast_shape(weight_shape, value_shape) != value_shape:
        raise ValueError(
            f"{owner}: sample_weight of shape {raw_weight} does not fit values of shape "
            f"{raw_values}; expected a scalar, one weight per sample {raw_values[:1]}, or a "
            "shape that broadcasts to the values' shape."
        )
    return values, ops.broadcast_to(sample_weight, value_shape)


def canonical_axis(owner: str, axis: int, rank: int) -> int:
    if not isinstance(axis, int) or isinstance(axis, bool) or not -rank <= axis < rank:
        raise ValueError(f"{owner}: axis={axis!r} is invalid for inputs of rank {rank}; "
                         f"expected an int in [{-rank}, {rank}).")
    return axis % rank


def float_tensor(x: Any) -> Any:
    """``x`` as a tensor of a float dtype (integers and bools become float32)."""
    x = ops.convert_to_tensor(x)
    return x if dtypes.is_float(ops.dtype(x)) else ops.cast(x, dtypes.DEFAULT_FLOAT)


def aligned_pair(owner: str, y_true: Any, y_pred: Any) -> tuple[Any, Any]:
    """``(y_true, y_pred)`` as float tensors of one dtype and one shape, or a ValueError.

    Ranks are aligned first (see :func:`squeeze_or_expand_to_same_rank`); any other shape
    difference is refused rather than broadcast.
    """
    y_pred = float_tensor(y_pred)
    y_true = ops.convert_to_tensor(y_true, ops.dtype(y_pred))
    raw_true, raw_pred = shape_of(y_true), shape_of(y_pred)
    if not raw_pred or not raw_true:
        raise ValueError(f"{owner}: y_true has shape {raw_true} and y_pred has shape {raw_pred}; "
                         "expected tensors of rank >= 1 (the last axis is reduced).")
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    require_same_shape(owner, y_true, y_pred, raw_true, raw_pred)
    return y_true, y_pred
