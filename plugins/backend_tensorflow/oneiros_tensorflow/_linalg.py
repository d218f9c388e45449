"""Decompositions, inverses and solvers with tf.linalg, in float32 (half floats are cast back),
with the contract's conventions: LAPACK-style LU pivots, fixed eigenvector / singular-vector
signs, symmetric inputs read from their lower triangle."""

from __future__ import annotations

from typing import Any

import numpy as np
import tensorflow as tf

from oneiros_tensorflow._dtypes import FLOAT32, to_float

__all__ = [
    "cholesky", "cholesky_inverse", "det", "eig", "eigh", "inv", "logdet", "lstsq", "lu_factor",
    "matrix_rank", "pinv", "qr", "slogdet", "solve", "solve_triangular", "svd",
]

_FLOAT32_EPS = float(np.finfo(np.float32).eps)


def _matrices(x: Any, what: str, square: bool = False) -> tuple[tf.Tensor, tf.DType]:
    """``x`` as float32 matrices, and the dtype results are returned in."""
    a = to_float(x)
    shape = tuple(a.shape)
    if len(shape) < 2 or (square and shape[-1] != shape[-2]):
        kind = "square matrices (..., N, N)" if square else "matrices (..., M, N)"
        raise ValueError(f"{what} needs {kind}; received shape {shape}.")
    return tf.cast(a, FLOAT32), a.dtype


def _right_hand_side(a: tf.Tensor, b: Any, what: str) -> tuple[tf.Tensor, bool]:
    right = tf.cast(to_float(b), FLOAT32)
    vector = len(right.shape) == len(a.shape) - 1
    right = right[..., tf.newaxis] if vector else right
    if len(right.shape) < 2 or right.shape[-2] != a.shape[-2]:
        raise ValueError(f"{what}: the right-hand side {tuple(right.shape)} does not match the matrices "
                         f"{tuple(a.shape)}; expected (..., {a.shape[-2]}, K) or (..., {a.shape[-2]}).")
    batch = tf.broadcast_static_shape(a.shape[:-2], right.shape[:-2])
    return tf.broadcast_to(right, [*batch, *right.shape[-2:]]), vector


def _from_lower_triangle(a: tf.Tensor) -> tf.Tensor:
    lower = tf.linalg.band_part(a, -1, 0)
    return lower + tf.linalg.matrix_transpose(lower - tf.linalg.band_part(a, 0, 0))


def _positive_largest(vectors: tf.Tensor, count: int) -> tf.Tensor:
    """Signs (..., count) making the largest-magnitude entry of the first ``count`` columns positive."""
    columns = vectors[..., :, :count]
    largest = tf.one_hot(tf.argmax(tf.abs(columns), axis=-2), columns.shape[-2], axis=len(columns.shape) - 2,
                         dtype=columns.dtype)
    signs = tf.sign(tf.reduce_sum(columns * largest, axis=-2))
    return tf.where(tf.equal(signs, 0), tf.ones_like(signs), signs)


def _finish(value: tf.Tensor, dtype: tf.DType) -> tf.Tensor:
    return value if value.dtype == dtype else tf.cast(value, dtype)


def _solved(solution: tf.Tensor, vector: bool, dtype: tf.DType) -> tf.Tensor:
    return _finish(solution[..., 0] if vector else solution, dtype)


def cholesky(x, upper=False):
    a, dtype = _matrices(x, "cholesky", square=True)
    factor = tf.linalg.cholesky(_from_lower_triangle(a))
    return _finish(tf.linalg.matrix_transpose(factor) if upper else factor, dtype)


def cholesky_inverse(x, upper=False):
    factor, dtype = _matrices(x, "cholesky_inverse", square=True)
    lower = tf.linalg.band_part(tf.linalg.matrix_transpose(factor) if upper else factor, -1, 0)
    identity = tf.broadcast_to(tf.eye(lower.shape[-1], dtype=FLOAT32), tf.shape(lower))
    inverse_lower = tf.linalg.triangular_solve(lower, identity, lower=True)
    return _finish(tf.linalg.matmul(inverse_lower, inverse_lower, transpose_a=True), dtype)


def det(x):
    a, dtype = _matrices(x, "det", square=True)
    return _finish(tf.linalg.det(a), dtype)


def eig(x):
    a, dtype = _matrices(x, "eig", square=True)
    values, vectors = tf.linalg.eig(a)
    return ((_finish(tf.math.real(values), dtype), _finish(tf.math.imag(values), dtype)),
            (_finish(tf.math.real(vectors), dtype), _finish(tf.math.imag(vectors), dtype)))


def eigh(x):
    a, dtype = _matrices(x, "eigh", square=True)
    values, vectors = tf.linalg.eigh(_from_lower_triangle(a))
    vectors = vectors * _positive_largest(vectors, vectors.shape[-1])[..., tf.newaxis, :]
    return _finish(values, dtype), _finish(vectors, dtype)


def inv(x):
    a, dtype = _matrices(x, "inv", square=True)
    return _finish(tf.linalg.inv(a), dtype)


def _pinv(a: tf.Tensor, rcond: Any) -> tf.Tensor:
    return tf.linalg.pinv(a, rcond=max(a.shape[-2:]) * _FLOAT32_EPS if rcond is None else rcond)


def pinv(x, rcond=None):
    a, dtype = _matrices(x, "pinv")
    return _finish(_pinv(a, rcond), dtype)


def lstsq(a, b, rcond=None):
    matrices, dtype = _matrices(a, "lstsq")
    right, vector = _right_hand_side(matrices, b, "lstsq")
    return _solved(tf.linalg.matmul(_pinv(matrices, rcond), right), vector, dtype)


def lu_factor(x):
    a, dtype = _matrices(x, "lu_factor", square=True)
    lu, permutation = tf.linalg.lu(a)
    # tf gives the final row order; LAPACK's pivots are the swaps made one row at a time.
    size = a.shape[-1]
    positions = tf.range(size)
    current = tf.broadcast_to(positions, tf.shape(permutation))
    pivots = []
    for row in range(size):
        pivot = tf.argmax(tf.cast(tf.equal(current, permutation[..., row:row + 1]), tf.int32), axis=-1,
                          output_type=tf.int32)
        pivots.append(pivot)
        here, there = current[..., row:row + 1], tf.gather(current, pivot, axis=-1, batch_dims=len(pivot.shape))
        current = tf.where(tf.equal(positions, row), there[..., tf.newaxis],
                           tf.where(tf.equal(positions, pivot[..., tf.newaxis]), here, current))
    return _finish(lu, dtype), tf.stack(pivots, axis=-1)


def matrix_rank(x, tol=None):
    a, _ = _matrices(x, "matrix_rank")
    s = tf.linalg.svd(a, compute_uv=False)
    largest = tf.reduce_max(s, axis=-1, keepdims=True)
    cutoff = largest * max(a.shape[-2:]) * _FLOAT32_EPS if tol is None else tol
    return tf.reduce_sum(tf.cast(s > cutoff, tf.int32), axis=-1)


def qr(x, mode="reduced"):
    if mode not in ("reduced", "complete"):
        raise ValueError(f"qr mode must be 'reduced' or 'complete'; received {mode!r}.")
    a, dtype = _matrices(x, "qr")
    q, r = tf.linalg.qr(a, full_matrices=mode == "complete")
    return _finish(q, dtype), _finish(r, dtype)


def solve(a, b):
    matrices, dtype = _matrices(a, "solve", square=True)
    right, vector = _right_hand_side(matrices, b, "solve")
    matrices = tf.broadcast_to(matrices, [*right.shape[:-2], *matrices.shape[-2:]])
    return _solved(tf.linalg.solve(matrices, right), vector, dtype)


def solve_triangular(a, b, lower=False):
    matrices, dtype = _matrices(a, "solve_triangular", square=True)
    right, vector = _right_hand_side(matrices, b, "solve_triangular")
    matrices = tf.broadcast_to(matrices, [*right.shape[:-2], *matrices.shape[-2:]])
    return _solved(tf.linalg.triangular_solve(matrices, right, lower=lower), vector, dtype)


def svd(x, full_matrices=True, compute_uv=True):
    a, dtype = _matrices(x, "svd")
    if not compute_uv:
        return _finish(tf.linalg.svd(a, compute_uv=False), dtype)
    s, u, v = tf.linalg.svd(a, full_matrices=full_matrices)
    count = s.shape[-1]
    signs = _positive_largest(u, count)
    u = tf.concat([u[..., :count] * signs[..., tf.newaxis, :], u[..., count:]], axis=-1)
    vh = tf.linalg.matrix_transpose(v)
    vh = tf.concat([vh[..., :count, :] * signs[..., :, tf.newaxis], vh[..., count:, :]], axis=-2)
    return _finish(u, dtype), _finish(s, dtype), _finish(vh, dtype)


def slogdet(x):
    a, dtype = _matrices(x, "slogdet", square=True)
    sign, logabsdet = tf.linalg.slogdet(a)
    return _finish(sign, dtype), _finish(logabsdet, dtype)


def logdet(x):
    a, dtype = _matrices(x, "logdet", square=True)
    return _finish(tf.linalg.slogdet(a)[1], dtype)
