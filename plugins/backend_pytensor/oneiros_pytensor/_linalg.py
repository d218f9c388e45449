"""Products, norms, decompositions, inverses and solvers with pytensor.tensor.linalg (batched by its Blockwise ops),
with the contract's conventions: symmetric inputs read from their lower triangle, fixed
eigenvector / singular-vector signs."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytensor.tensor as pt
import pytensor.tensor.linalg as linalg

from oneiros_pytensor._graph import graph_op
from oneiros_pytensor._tensors import as_float, axes_tuple, compute_name, finish, promoted_compute, static_shape, tensor

__all__ = [
    "cholesky", "cholesky_inverse", "det", "eig", "eigh", "einsum", "inv", "logdet", "lstsq", "lu_factor", "matmul",
    "matrix_rank", "norm", "pinv", "qr", "slogdet", "solve", "solve_triangular", "svd", "tensordot",
]

_FLOAT32_EPS = float(np.finfo(np.float32).eps)


def _matrices(x: Any, what: str, square: bool = False) -> tuple[Any, str]:
    a = as_float(x)
    shape = static_shape(a)
    if len(shape) < 2 or (square and shape[-1] != shape[-2]):
        kind = "square matrices (..., N, N)" if square else "matrices (..., M, N)"
        raise ValueError(f"{what} needs {kind}; received shape {shape}.")
    return finish(a, compute_name(a.dtype)), a.dtype


def _right_hand_side(a: Any, b: Any, what: str) -> tuple[Any, bool]:
    right = finish(tensor(b), a.dtype)
    vector = right.ndim == a.ndim - 1
    right = right[..., None] if vector else right
    if right.ndim < 2 or static_shape(right)[-2] != static_shape(a)[-2]:
        raise ValueError(f"{what}: the right-hand side {static_shape(right)} does not match the matrices "
                         f"{static_shape(a)}; expected (..., {static_shape(a)[-2]}, K) or (..., {static_shape(a)[-2]}).")
    return right, vector


def _from_lower_triangle(a: Any) -> Any:
    return pt.tril(a) + pt.swapaxes(pt.tril(a, -1), -1, -2)


def _positive_largest(vectors: Any, count: int) -> Any:
    columns = vectors[..., :, :count]
    index = pt.argmax(pt.abs(columns), axis=-2, keepdims=True)
    signs = pt.sign(pt.take_along_axis(columns, index, axis=-2))[..., 0, :]
    return pt.switch(pt.eq(signs, 0), pt.ones_like(signs), signs)


def _solved(solution: Any, vector: bool, dtype: str) -> Any:
    return finish(solution[..., 0] if vector else solution, dtype)


@graph_op
def cholesky(x, upper=False):
    a, dtype = _matrices(x, "cholesky", square=True)
    factor = linalg.cholesky(_from_lower_triangle(a), lower=True)
    return finish(pt.swapaxes(factor, -1, -2) if upper else factor, dtype)


@graph_op
def cholesky_inverse(x, upper=False):
    factor, dtype = _matrices(x, "cholesky_inverse", square=True)
    lower = pt.tril(pt.swapaxes(factor, -1, -2) if upper else factor)
    identity = pt.broadcast_to(pt.eye(static_shape(lower)[-1], dtype=lower.dtype), lower.shape)
    inverse_lower = linalg.solve_triangular(lower, identity, lower=True, b_ndim=2)
    return finish(pt.matmul(pt.swapaxes(inverse_lower, -1, -2), inverse_lower), dtype)


@graph_op
def det(x):
    a, dtype = _matrices(x, "det", square=True)
    return finish(linalg.det(a), dtype)


@graph_op
def eig(x):
    a, dtype = _matrices(x, "eig", square=True)
    values, vectors = linalg.eig(a)
    return ((finish(pt.real(values), dtype), finish(pt.imag(values), dtype)),
            (finish(pt.real(vectors), dtype), finish(pt.imag(vectors), dtype)))


@graph_op
def eigh(x):
    a, dtype = _matrices(x, "eigh", square=True)
    values, vectors = linalg.eigh(_from_lower_triangle(a))
    vectors = vectors * _positive_largest(vectors, static_shape(a)[-1])[..., None, :]
    return finish(values, dtype), finish(vectors, dtype)


@graph_op
def inv(x):
    a, dtype = _matrices(x, "inv", square=True)
    return finish(linalg.inv(a), dtype)


def _pinv(a: Any, rcond: Any) -> Any:
    u, s, vh = linalg.svd(a, full_matrices=False)
    cutoff = (max(static_shape(a)[-2:]) * _FLOAT32_EPS if rcond is None else rcond) * pt.max(s, axis=-1,
                                                                                            keepdims=True)
    inverse = pt.switch(pt.gt(s, cutoff), 1 / pt.switch(pt.gt(s, cutoff), s, 1), 0)
    return pt.matmul(pt.swapaxes(vh, -1, -2), inverse[..., None] * pt.swapaxes(u, -1, -2))


@graph_op
def pinv(x, rcond=None):
    a, dtype = _matrices(x, "pinv")
    return finish(_pinv(a, rcond), dtype)


@graph_op
def lstsq(a, b, rcond=None):
    matrices, dtype = _matrices(a, "lstsq")
    right, vector = _right_hand_side(matrices, b, "lstsq")
    return _solved(pt.matmul(_pinv(matrices, rcond), right), vector, dtype)


@graph_op
def lu_factor(x):
    a, dtype = _matrices(x, "lu_factor", square=True)
    lu, pivots = linalg.lu_factor(a)
    return finish(lu, dtype), finish(pivots, "int32")


@graph_op
def matrix_rank(x, tol=None):
    a, _ = _matrices(x, "matrix_rank")
    s = linalg.svd(a, compute_uv=False)
    cutoff = pt.max(s, axis=-1, keepdims=True) * max(static_shape(a)[-2:]) * _FLOAT32_EPS if tol is None else tol
    return finish(pt.sum(pt.gt(s, cutoff), axis=-1), "int32")


@graph_op
def qr(x, mode="reduced"):
    if mode not in ("reduced", "complete"):
        raise ValueError(f"qr mode must be 'reduced' or 'complete'; received {mode!r}.")
    a, dtype = _matrices(x, "qr")
    q, r = linalg.qr(a, mode="economic" if mode == "reduced" else "full")
    return finish(q, dtype), finish(r, dtype)


@graph_op
def solve(a, b):
    matrices, dtype = _matrices(a, "solve", square=True)
    right, vector = _right_hand_side(matrices, b, "solve")
    return _solved(linalg.solve(matrices, right, b_ndim=2), vector, dtype)


@graph_op
def solve_triangular(a, b, lower=False):
    matrices, dtype = _matrices(a, "solve_triangular", square=True)
    right, vector = _right_hand_side(matrices, b, "solve_triangular")
    triangle = pt.tril(matrices) if lower else pt.triu(matrices)
    return _solved(linalg.solve_triangular(triangle, right, lower=lower, b_ndim=2), vector, dtype)


@graph_op
def svd(x, full_matrices=True, compute_uv=True):
    a, dtype = _matrices(x, "svd")
    if not compute_uv:
        return finish(linalg.svd(a, compute_uv=False), dtype)
    rows, columns = static_shape(a)[-2:]
    # Square matrices have full == reduced factors, and PyTensor differentiates only the reduced SVD.
    u, s, vh = linalg.svd(a, full_matrices=full_matrices and rows != columns)
    count = min(rows, columns)
    signs = _positive_largest(u, count)
    u = pt.concatenate([u[..., :count] * signs[..., None, :], u[..., count:]], axis=-1)
    vh = pt.concatenate([vh[..., :count, :] * signs[..., :, None], vh[..., count:, :]], axis=-2)
    return finish(u, dtype), finish(s, dtype), finish(vh, dtype)


@graph_op
def slogdet(x):
    a, dtype = _matrices(x, "slogdet", square=True)
    sign, logabsdet = linalg.slogdet(a)
    return finish(sign, dtype), finish(logabsdet, dtype)


@graph_op
def logdet(x):
    a, dtype = _matrices(x, "logdet", square=True)
    return finish(linalg.slogdet(a)[1], dtype)


@graph_op
def matmul(x1, x2):
    (a, b), name = promoted_compute(x1, x2)
    if a.ndim == 0 or b.ndim == 0:
        raise ValueError(f"matmul needs tensors of ndim >= 1; received shapes {a.type.shape}, {b.type.shape}.")
    if a.ndim <= 2 and b.ndim <= 2:
        return finish(pt.dot(a, b), name)
    if b.ndim == 2:
        # Leading axes folded into the rows: one matrix product (np.dot), where pt.matmul's
        # Blockwise would loop in numpy's vectorize.
        rows = pt.reshape(a, (-1, static_shape(a)[-1]))
        return finish(pt.reshape(pt.dot(rows, b), (*static_shape(a)[:-1], static_shape(b)[-1])), name)
    return finish(pt.matmul(a, b), name)


@graph_op
def einsum(subscripts, *operands):
    if not isinstance(subscripts, str):
        raise TypeError(f"einsum subscripts must be a string; received {type(subscripts).__name__}.")
    variables, name = promoted_compute(*operands)
    return finish(pt.einsum(subscripts, *variables), name)


@graph_op
def tensordot(x1, x2, axes=2):
    (a, b), name = promoted_compute(x1, x2)
    return finish(pt.tensordot(a, b, axes=axes), name)


def _vector_norm(x: Any, ord: Any, axis: int, keepdims: bool) -> Any:
    magnitude = pt.abs(x)
    if ord is None or ord == 2:
        return pt.sqrt(pt.sum(pt.sqr(x), axis=axis, keepdims=keepdims))
    if ord == np.inf:
        return pt.max(magnitude, axis=axis, keepdims=keepdims)
    if ord == -np.inf:
        return pt.min(magnitude, axis=axis, keepdims=keepdims)
    if ord == 0:
        return pt.cast(pt.sum(pt.neq(x, 0), axis=axis, keepdims=keepdims), x.dtype)
    if ord == 1:
        return pt.sum(magnitude, axis=axis, keepdims=keepdims)
    return pt.sum(magnitude**ord, axis=axis, keepdims=keepdims) ** (1.0 / ord)


def _matrix_norm(x: Any, ord: Any, axes: tuple[int, int], keepdims: bool) -> Any:
    rows, columns = axes
    if ord in (None, "fro", "f"):
        result = pt.sqrt(pt.sum(pt.sqr(x), axis=axes, keepdims=True))
    elif ord in (1, -1, np.inf, -np.inf):
        # 1: the largest column sum of |x|; inf: the largest row sum (min for the negatives).
        summed, other = (rows, columns) if ord in (1, -1) else (columns, rows)
        totals = pt.sum(pt.abs(x), axis=summed, keepdims=True)
        result = (pt.max if ord > 0 else pt.min)(totals, axis=other, keepdims=True)
    elif ord in (2, -2, "nuc"):
        # Singular values of the matrices, moved to the last two axes.
        batched = pt.moveaxis(x, axes, (-2, -1))
        singular = pt.linalg.svd(batched, compute_uv=False)
        reduce = {2: pt.max, -2: pt.min, "nuc": pt.sum}[ord]
        result = pt.expand_dims(reduce(singular, axis=-1), sorted(axes))
    else:
        raise ValueError(f"norm of matrices takes ord None, 'fro', 'nuc', 1, -1, 2, -2, inf or -inf; received {ord!r}.")
    return result if keepdims else pt.squeeze(result, axis=axes)


@graph_op
def norm(x, ord=None, axis=None, keepdims=False):
    x = as_float(x)
    work = finish(x, compute_name(x.dtype))
    if axis is None and ord is None:
        value = pt.sqrt(pt.sum(pt.sqr(work), axis=None, keepdims=keepdims))
    else:
        axes = axes_tuple(axis, x.ndim) if axis is not None else tuple(range(x.ndim))
        if isinstance(axis, (list, tuple)) and len(axis) == 2:
            axes = tuple(int(a) % x.ndim for a in axis)
        if len(axes) == 1:
            value = _vector_norm(work, ord, axes[0], keepdims)
        elif len(axes) == 2:
            value = _matrix_norm(work, ord, axes, keepdims)
        else:
            raise ValueError(f"norm needs axis None, an int or a pair; received {axis!r} for ndim {x.ndim}.")
    return finish(value, x.dtype)
