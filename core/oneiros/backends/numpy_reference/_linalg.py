"""Matrix products, contractions and norms."""

from __future__ import annotations

from typing import Any

import numpy as np

from oneiros import dtypes
from oneiros.backends.numpy_reference._reduce import normalize_axis
from oneiros.backends.numpy_reference._tensor import (
    as_tensor,
    compute_dtype,
    finish,
    float_result,
    quiet,
)

__all__ = ["einsum", "matmul", "norm", "tensordot"]


def _promoted(*values: Any) -> tuple[list[np.ndarray], str]:
    arrays = [as_tensor(value) for value in values]
    name = dtypes.result_type(*arrays)
    return [array.astype(compute_dtype(name), copy=False) for array in arrays], name


def matmul(x1: Any, x2: Any) -> np.ndarray:
    (a, b), name = _promoted(x1, x2)
    if a.ndim == 0 or b.ndim == 0:
        raise ValueError(
            f"matmul needs tensors of ndim >= 1; received shapes {a.shape}, {b.shape}."
        )
    return finish(np.matmul(a, b), name)


def einsum(subscripts: str, *operands: Any) -> np.ndarray:
    if not isinstance(subscripts, str):
        raise TypeError(
            f"einsum subscripts must be a string; received {type(subscripts).__name__}."
        )
    arrays, name = _promoted(*operands)
    return finish(np.einsum(subscripts, *arrays), name)


def tensordot(x1: Any, x2: Any, axes: Any = 2) -> np.ndarray:
    (a, b), name = _promoted(x1, x2)
    return finish(np.tensordot(a, b, axes=axes), name)


def norm(x: Any, ord: Any = None, axis: Any = None, keepdims: bool = False) -> np.ndarray:
    array = as_tensor(x)
    name = float_result(array.dtype.name)
    with quiet():
        value = np.linalg.norm(array.astype(compute_dtype(name)), ord=ord,
                               axis=normalize_axis(axis), keepdims=keepdims)
    return finish(value, name)
