"""to_categorical and normalize: Keras's numerical helpers on numpy arrays and backend tensors."""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

EPSILON = 1e-7


def to_categorical(x: Any, num_classes: int | None = None) -> Any:
    """One-hot rows for the class ids in ``x`` (a trailing axis of size 1 is dropped), as
    ``keras.utils.to_categorical``: ``num_classes`` defaults to ``max(x) + 1``. Like Keras, array-likes
    give a float64 numpy array and backend tensors a float32 tensor.

    Example::

        to_categorical([0, 2, 1], num_classes=3)
        # array([[1., 0., 0.], [0., 0., 1.], [0., 1., 0.]])
    """
    if num_classes is not None and (isinstance(num_classes, bool) or not isinstance(num_classes, numbers.Integral)
                                    or num_classes < 1):
        raise ValueError(f"to_categorical: argument `num_classes` must be None or a positive int; received "
                         f"num_classes={num_classes!r}.")
    from oneiros import ops

    if ops.is_tensor(x) and not isinstance(x, np.ndarray):
        shape = tuple(ops.shape(x))
        if len(shape) > 1 and shape[-1] == 1:
            x = ops.reshape(x, shape[:-1])
        if num_classes is None:
            num_classes = int(ops.to_numpy(ops.max(x))) + 1
        return ops.one_hot(x, int(num_classes))
    ids = np.asarray(x)
    if ids.size and (ids.dtype.kind not in "iub" and not np.array_equal(ids, np.round(ids))):
        raise ValueError(f"to_categorical: `x` must hold integer class ids; received values of dtype {ids.dtype}.")
    ids = ids.astype("int64")
    shape = ids.shape[:-1] if ids.ndim > 1 and ids.shape[-1] == 1 else ids.shape
    ids = ids.reshape(-1)
    classes = int(num_classes) if num_classes is not None else int(ids.max(initial=-1)) + 1
    if ids.size and (ids.min() < 0 or ids.max() >= classes):
        raise ValueError(f"to_categorical: class ids must lie in [0, {classes}); received ids from {ids.min()} to "
                         f"{ids.max()} with num_classes={num_classes!r}.")
    categorical = np.zeros((ids.size, classes))
    categorical[np.arange(ids.size), ids] = 1
    return categorical.reshape(*shape, classes)


def normalize(x: Any, axis: int = -1, order: int = 2) -> Any:
    """``x`` divided by its ``order``-norm along ``axis`` (norms of 0 count as 1), as
    ``keras.utils.normalize``. numpy arrays stay numpy; backend tensors go through ``oneiros.ops``
    (where, as in Keras, the norm is floored at Keras's epsilon, 1e-7, instead).

    Example::

        normalize(np.array([[3.0, 4.0]]))    # array([[0.6, 0.8]])
    """
    if isinstance(order, bool) or not isinstance(order, numbers.Real) or order < 1:
        raise ValueError(f"normalize: argument `order` must be a number >= 1; received order={order!r}.")
    if isinstance(x, np.ndarray) or not _is_backend_tensor(x):
        array = np.asarray(x)
        norm = np.atleast_1d(np.linalg.norm(array, order, axis))
        norm[norm == 0] = 1
        return array / np.expand_dims(norm, axis)
    from oneiros import ops

    x = ops.convert_to_tensor(x)
    if order == 2:
        norm = ops.sqrt(ops.sum(ops.square(x), axis=axis, keepdims=True))
    else:
        norm = ops.power(ops.sum(ops.power(ops.abs(x), float(order)), axis=axis, keepdims=True), 1.0 / order)
    return ops.divide(x, ops.maximum(norm, EPSILON))


def _is_backend_tensor(x: Any) -> bool:
    from oneiros import ops

    return bool(ops.is_tensor(x))
