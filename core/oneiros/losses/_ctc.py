"""CTC (Graves et al. 2006): the negative log-likelihood of a label sequence under per-frame class
scores, summed over every alignment by the forward (alpha) recursion, written in ``oneiros.ops``."""

from __future__ import annotations

from typing import Any

from oneiros import ops
from oneiros.losses._base import BuiltinLoss
from oneiros.losses._shapes import float_tensor, shape_of

BLANK = 0
"""The blank class, also the padding value of the labels (Keras's ``mask_index``)."""

# Log-probability of an impossible path: finite, so logsumexp and its gradient stay NaN-free.
IMPOSSIBLE = -1e30


def _shifted(alpha: Any, by: int) -> Any:
    """``alpha`` moved ``by`` places to the right along the label axis, impossible paths filling in."""
    batch, _ = shape_of(alpha)
    filler = ops.full((batch, by), IMPOSSIBLE, ops.dtype(alpha))
    return ops.concatenate([filler, ops.slice(alpha, (0, 0), (batch, shape_of(alpha)[1] - by))], axis=1)


def _forward_step(time: Any, carry: tuple[Any, Any, Any]) -> tuple[Any, Any, Any]:
    alpha, emissions, may_skip = carry
    skipped = ops.where(may_skip, _shifted(alpha, 2), ops.full(shape_of(alpha), IMPOSSIBLE, ops.dtype(alpha)))
    paths = ops.stack([alpha, _shifted(alpha, 1), skipped])
    return ops.add(ops.logsumexp(paths, axis=0), ops.take(emissions, time, axis=1)), emissions, may_skip


def ctc(y_true: Any, y_pred: Any) -> Any:
    """Per-sample CTC loss of integer labels ``y_true`` (batch, max_label_length), padded with 0, and
    logits ``y_pred`` (batch, frames, classes) whose class 0 is the blank; every frame counts."""
    y_pred = float_tensor(y_pred)
    if len(shape_of(y_true)) != 2 or len(shape_of(y_pred)) != 3:
        raise ValueError(f"ctc: expected y_true of shape (batch, max_label_length) and y_pred of shape (batch, "
                         f"frames, classes); received {shape_of(y_true)} and {shape_of(y_pred)}.")
    labels = ops.cast(y_true, "int32")
    batch, max_length = shape_of(labels)
    frames = shape_of(y_pred)[1]
    # The extended sequence: a blank before, between and after the labels (length 2L + 1).
    extended = ops.concatenate([ops.reshape(ops.stack([ops.zeros_like(labels), labels], axis=-1),
                                            (batch, 2 * max_length)),
                                ops.zeros((batch, 1), "int32")], axis=1)
    log_probabilities = ops.log_softmax(y_pred, axis=-1)
    emissions = ops.take_along_axis(log_probabilities, ops.broadcast_to(ops.expand_dims(extended, 1),
                                                                        (batch, frames, 2 * max_length + 1)), axis=2)
    differs_two_back = ops.not_equal(extended, ops.concatenate([ops.full((batch, 2), -1, "int32"),
                                                                ops.slice(extended, (0, 0), (batch, 2 * max_length - 1))],
                                                               axis=1))
    may_skip = ops.logical_and(ops.not_equal(extended, BLANK), differs_two_back)
    first = ops.take(emissions, 0, axis=1)
    starts = ops.less(ops.arange(2 * max_length + 1), 2)
    alpha = ops.where(ops.expand_dims(starts, 0), first, ops.full(shape_of(first), IMPOSSIBLE, ops.dtype(first)))
    alpha, _, _ = ops.fori_loop(1, frames, _forward_step, (alpha, emissions, may_skip))
    label_lengths = ops.sum(ops.cast(ops.not_equal(labels, BLANK), "int32"), axis=1)
    last = ops.expand_dims(2 * label_lengths, 1)
    ends = ops.concatenate([ops.take_along_axis(alpha, last, axis=1),
                            ops.where(ops.greater(last, 0), ops.take_along_axis(alpha, ops.maximum(last - 1, 0), axis=1),
                                      ops.full(shape_of(last), IMPOSSIBLE, ops.dtype(alpha)))], axis=1)
    return ops.negative(ops.logsumexp(ends, axis=1))


class CTC(BuiltinLoss):
    """Connectionist temporal classification loss (speech, handwriting: unsegmented sequences).

    Example:
        >>> loss = oi.losses.CTC()(labels, logits)   # labels (batch, L) padded with 0; logits (batch, T, C)
    """

    function = ctc

    def __init__(self, reduction: str | None = "sum_over_batch_size", name: str = "ctc", dtype: Any = None):
        super().__init__(name, reduction, dtype)
