"""Circle loss (Sun et al. 2020): metric learning on L2-normalized embeddings with integer labels."""

from __future__ import annotations

from typing import Any

from oneiros import ops
from oneiros.losses._base import BuiltinLoss
from oneiros.losses._shapes import float_tensor, shape_of


def _pair_masks(query_labels: Any, key_labels: Any, remove_diagonal: bool) -> tuple[Any, Any]:
    """Where a query and a key share a label (minus each query with itself), and where they do not."""
    same = ops.equal(ops.reshape(query_labels, (-1, 1)), ops.reshape(key_labels, (1, -1)))
    different = ops.logical_not(same)
    if remove_diagonal:
        rows, columns = shape_of(same)
        same = ops.logical_and(same, ops.logical_not(ops.cast(ops.eye(rows, columns), "bool")))
    return same, different


def circle(y_true: Any, y_pred: Any, ref_labels: Any = None, ref_embeddings: Any = None,
           remove_diagonal: bool = True, gamma: float = 80.0, margin: float = 0.4) -> Any:
    """Per query: ``softplus(logsumexp(positive terms) + logsumexp(negative terms))``.

    ``y_pred`` holds L2-normalized embeddings (batch, dim), ``y_true`` integer labels (batch,);
    the references default to the batch itself. Similar pairs are pulled below a cosine distance
    of ``margin`` and dissimilar ones pushed beyond ``1 - margin``, each weighted by how far off it is.
    """
    y_pred = float_tensor(y_pred)
    if len(shape_of(y_pred)) != 2:
        raise ValueError(f"circle: expected y_pred of shape (batch, embedding_dim); "
                         f"received shape {shape_of(y_pred)}.")
    labels = ops.cast(y_true, "int32")
    references = y_pred if ref_embeddings is None else ops.convert_to_tensor(ref_embeddings, ops.dtype(y_pred))
    reference_labels = labels if ref_labels is None else ops.cast(ref_labels, "int32")
    distances = ops.maximum(ops.subtract(1.0, ops.matmul(y_pred, ops.transpose(references))), 0.0)
    positive, negative = _pair_masks(labels, reference_labels, remove_diagonal)
    dtype = ops.dtype(distances)
    positive_weights = ops.maximum(ops.multiply(ops.add(distances, margin), ops.cast(positive, dtype)), 0.0)
    negative_weights = ops.maximum(ops.multiply(ops.subtract(1.0 + margin, distances), ops.cast(negative, dtype)),
                                   0.0)
    positive_terms = ops.multiply(-gamma, ops.multiply(positive_weights, ops.subtract(margin, distances)))
    negative_terms = ops.multiply(gamma, ops.multiply(negative_weights, ops.subtract(1.0 - margin, distances)))
    excluded = ops.full(shape_of(distances), float("-inf"), dtype)
    positive_loss = ops.logsumexp(ops.where(positive, positive_terms, excluded), axis=1)
    negative_loss = ops.logsumexp(ops.where(negative, negative_terms, excluded), axis=1)
    return ops.softplus(ops.add(positive_loss, negative_loss))


class Circle(BuiltinLoss):
    """The circle loss; as in Keras, the batch mean counts only queries with a positive loss."""

    function = circle

    def __init__(self, gamma: float = 80.0, margin: float = 0.4, remove_diagonal: bool = True,
                 reduction: str | None = "sum_over_batch_size", name: str = "circle", dtype: Any = None):
        super().__init__(name, reduction, dtype, gamma=gamma, margin=margin, remove_diagonal=remove_diagonal)

    def valid_mask(self, y_true: Any, y_pred: Any) -> Any:
        return ops.greater(circle(y_true, y_pred, gamma=self.gamma, margin=self.margin,
                                  remove_diagonal=self.remove_diagonal), 0.0)
