"""Matrix products, contractions and norms."""

from __future__ import annotations

from typing import Any

import numpy as np

from oneiros import dtypes
from oneiros.backends.numpy_reference._reduction import normalize_axis
from oneiros.backends.numpy_reference._tensor import (
    as_tensor,
    compute_dtype,
    finish,
    float_result,
    operand,
    quiet,
)

__all__ = [
    "cholesky", "cholesky_inverse", "det", "eig", "eigh", "einsum", "inv", "logdet", "lstsq",
    "lu_factor", "matmul", "matrix_rank", "norm", "pinv", "qr", "slogdet", "solve",
    "solve_triangular", "svd", "tensordot",
    "cdist", "cross", "dot", "inner", "outer", "vdot",
]


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


def _matrices(x: Any, what: str, square: bool = False) -> tuple[np.ndarray, str]:
    """``x`` as float matrices in their compute dtype, and the result dtype name."""
    array = as_tensor(x)
    if array.ndim < 2 or (square and array.shape[-1] != array.shape[-2]):
        kind = "square matrices (..., N, N)" if square else "matrices (..., M, N)"
        raise ValueError(f"{what} needs {kind}; received shape {array.shape}.")
    name = float_result(array.dtype.name)
    return array.astype(compute_dtype(name), copy=False), name


def _right_hand_side(a: np.ndarray, b: Any, what: str) -> tuple[np.ndarray, bool]:
    """``b`` as (..., N, K) in ``a``'s dtype, and whether it was a vector (..., N)."""
    array = as_tensor(b).astype(a.dtype, copy=False)
    vector = array.ndim == a.ndim - 1
    if array.ndim == 0 or (array[..., None] if vector else array).shape[-2] != a.shape[-2]:
        raise ValueError(f"{what}: the right-hand side {array.shape} does not match the matrices {a.shape}; "
                         f"expected (..., {a.shape[-2]}, K) or (..., {a.shape[-2]}).")
    return (array[..., None] if vector else array), vector


def positive_largest(vectors: np.ndarray, count: int) -> np.ndarray:
    """Signs (..., count) that make the largest-magnitude entry of the first ``count`` columns positive."""
    columns = vectors[..., :, :count]
    index = np.argmax(np.abs(columns), axis=-2)[..., None, :]
    signs = np.sign(np.take_along_axis(columns, index, axis=-2))[..., 0, :]
    return np.where(signs == 0, 1, signs).astype(vectors.dtype)


def cholesky(x: Any, upper: bool = False) -> np.ndarray:
    a, name = _matrices(x, "cholesky", square=True)
    factor = np.linalg.cholesky(a)
    return finish(np.swapaxes(factor, -1, -2) if upper else factor, name)


def cholesky_inverse(x: Any, upper: bool = False) -> np.ndarray:
    factor, name = _matrices(x, "cholesky_inverse", square=True)
    lower = np.swapaxes(factor, -1, -2) if upper else factor
    inverse_lower = np.linalg.inv(np.tril(lower))
    return finish(np.swapaxes(inverse_lower, -1, -2) @ inverse_lower, name)


def det(x: Any) -> np.ndarray:
    a, name = _matrices(x, "det", square=True)
    return finish(np.linalg.det(a), name)


def eig(x: Any) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    a, name = _matrices(x, "eig", square=True)
    values, vectors = np.linalg.eig(a)
    return ((finish(values.real, name), finish(values.imag, name)),
            (finish(vectors.real, name), finish(vectors.imag, name)))


def eigh(x: Any) -> tuple[np.ndarray, np.ndarray]:
    a, name = _matrices(x, "eigh", square=True)
    values, vectors = np.linalg.eigh(a)
    vectors = vectors * positive_largest(vectors, vectors.shape[-1])[..., None, :]
    return finish(values, name), finish(vectors, name)


def inv(x: Any) -> np.ndarray:
    a, name = _matrices(x, "inv", square=True)
    return finish(np.linalg.inv(a), name)


def _default_rcond(a: np.ndarray) -> float:
    return max(a.shape[-2:]) * float(np.finfo(np.float32).eps)


def pinv(x: Any, rcond: Any = None) -> np.ndarray:
    a, name = _matrices(x, "pinv")
    u, s, vh = np.linalg.svd(a, full_matrices=False)
    cutoff = (_default_rcond(a) if rcond is None else rcond) * np.max(s, axis=-1, initial=0.0, keepdims=True)
    with quiet():
        s_inverse = np.where(s > cutoff, 1 / s, 0).astype(a.dtype)
    return finish(np.swapaxes(vh, -1, -2) @ (s_inverse[..., None] * np.swapaxes(u, -1, -2)), name)


def lstsq(a: Any, b: Any, rcond: Any = None) -> np.ndarray:
    matrices, name = _matrices(a, "lstsq")
    right, vector = _right_hand_side(matrices, b, "lstsq")
    solution = pinv(matrices, rcond).astype(matrices.dtype) @ right
    return finish(solution[..., 0] if vector else solution, name)


def lu_factor(x: Any) -> tuple[np.ndarray, np.ndarray]:
    a, name = _matrices(x, "lu_factor", square=True)
    lu = a.copy()
    size = lu.shape[-1]
    pivots = np.zeros(lu.shape[:-1], np.int32)
    for column in range(size):
        pivot = column + np.argmax(np.abs(lu[..., column:, column]), axis=-1)
        pivots[..., column] = pivot
        current = np.take_along_axis(lu, np.full(pivot.shape + (1, size), column), axis=-2)
        chosen = np.take_along_axis(lu, pivot[..., None, None].repeat(size, -1), axis=-2)
        np.put_along_axis(lu, np.full(pivot.shape + (1, size), column), chosen, axis=-2)
        np.put_along_axis(lu, pivot[..., None, None].repeat(size, -1), current, axis=-2)
        with quiet():
            factors = lu[..., column + 1:, column] / lu[..., column, column][..., None]
        lu[..., column + 1:, column] = factors
        lu[..., column + 1:, column + 1:] -= factors[..., :, None] * lu[..., column, None, column + 1:]
    return finish(lu, name), pivots


def matrix_rank(x: Any, tol: Any = None) -> np.ndarray:
    a, _ = _matrices(x, "matrix_rank")
    s = np.linalg.svd(a, compute_uv=False)
    largest = np.max(s, axis=-1, initial=0.0, keepdims=True)
    cutoff = largest * _default_rcond(a) if tol is None else tol
    return finish(np.sum(s > cutoff, axis=-1), "int32")


def qr(x: Any, mode: str = "reduced") -> tuple[np.ndarray, np.ndarray]:
    if mode not in ("reduced", "complete"):
        raise ValueError(f"qr mode must be 'reduced' or 'complete'; received {mode!r}.")
    a, name = _matrices(x, "qr")
    q, r = np.linalg.qr(a, mode=mode)
    return finish(q, name), finish(r, name)


def solve(a: Any, b: Any) -> np.ndarray:
    matrices, name = _matrices(a, "solve", square=True)
    right, vector = _right_hand_side(matrices, b, "solve")
    solution = np.linalg.solve(matrices, right)
    return finish(solution[..., 0] if vector else solution, name)


def solve_triangular(a: Any, b: Any, lower: bool = False) -> np.ndarray:
    matrices, name = _matrices(a, "solve_triangular", square=True)
    right, vector = _right_hand_side(matrices, b, "solve_triangular")
    solution = np.linalg.solve(np.tril(matrices) if lower else np.triu(matrices), right)
    return finish(solution[..., 0] if vector else solution, name)


def svd(x: Any, full_matrices: bool = True, compute_uv: bool = True) -> Any:
    a, name = _matrices(x, "svd")
    if not compute_uv:
        return finish(np.linalg.svd(a, compute_uv=False), name)
    u, s, vh = np.linalg.svd(a, full_matrices=full_matrices)
    count = s.shape[-1]
    signs = positive_largest(u, count)
    u = np.concatenate([u[..., :count] * signs[..., None, :], u[..., count:]], axis=-1)
    vh = np.concatenate([vh[..., :count, :] * signs[..., :, None], vh[..., count:, :]], axis=-2)
    return finish(u, name), finish(s, name), finish(vh, name)


def slogdet(x: Any) -> tuple[np.ndarray, np.ndarray]:
    a, name = _matrices(x, "slogdet", square=True)
    sign, logabsdet = np.linalg.slogdet(a)
    return finish(sign, name), finish(logabsdet, name)


def logdet(x: Any) -> np.ndarray:
    a, name = _matrices(x, "logdet", square=True)
    return finish(np.linalg.slogdet(a)[1], name)


def _contracted(function: Any, x1: Any, x2: Any) -> np.ndarray:
    arrays = [operand(value) for value in (x1, x2)]
    name = dtypes.result_type(*arrays)
    return finish(function(*(np.asarray(array).astype(compute_dtype(name)) for array in arrays)), name)


def inner(x1: Any, x2: Any) -> np.ndarray:
    return _contracted(np.inner, x1, x2)


def outer(x1: Any, x2: Any) -> np.ndarray:
    return _contracted(np.outer, x1, x2)


def vdot(x1: Any, x2: Any) -> np.ndarray:
    return _contracted(np.vdot, x1, x2)


def dot(x1: Any, x2: Any) -> np.ndarray:
    return _contracted(np.dot, x1, x2)


def cross(x1: Any, x2: Any, axisa: int = -1, axisb: int = -1, axisc: int = -1, axis: Any = None) -> np.ndarray:
    if axis is not None:
        axisa = axisb = axisc = axis

    def product(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        a, b = np.moveaxis(a, axisa, -1), np.moveaxis(b, axisb, -1)
        if a.shape[-1] == b.shape[-1] == 2:  # numpy >= 2 deprecates 2-vectors in np.cross
            return a[..., 0] * b[..., 1] - a[..., 1] * b[..., 0]
        a, b = (np.concatenate([v, np.zeros(v.shape[:-1] + (3 - v.shape[-1],))], -1) for v in (a, b))
        return np.moveaxis(np.cross(a, b), -1, axisc)

    return _contracted(product, x1, x2)


def cdist(x: Any, y: Any) -> np.ndarray:
    a, b = as_tensor(x), as_tensor(y)
    name = float_result(dtypes.result_type(a, b))
    gaps = a.astype(np.float64)[..., :, None, :] - b.astype(np.float64)[..., None, :, :]
    return finish(np.sqrt(np.sum(gaps * gaps, axis=-1)), name)
