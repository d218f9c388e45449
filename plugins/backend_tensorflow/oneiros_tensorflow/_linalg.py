"""Products, norms, decompositions, inverses and solvers with tf.linalg, in float32 (half floats are cast back),
with the contract's conventions: LAPACK-style LU pivots, fixed eigenvector / singular-vector
signs, symmetric inputs read from their lower triangle."""

from __future__ import annotations

import builtins
import math
from typing import Any

import numpy as np
import tensorflow as tf

from oneiros_tensorflow._dtypes import FLOAT32, FLOAT_DTYPES, INT32, promoted, to_float

__all__ = [
    "cholesky", "cholesky_inverse", "det", "eig", "eigh", "einsum", "inv", "logdet", "lstsq", "lu_factor", "matmul",
    "matrix_rank", "norm", "pinv", "qr", "slogdet", "solve", "solve_triangular", "svd", "tensordot",
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


def matmul(x1, x2):
    return _contracted(_matmul, x1, x2)


def einsum(subscripts, *operands):
    return _contracted(lambda *xs: tf.einsum(subscripts, *xs), *operands)


def tensordot(x1, x2, axes=2):
    return _contracted(lambda a, b: tf.tensordot(a, b, axes), x1, x2)


def norm(x, ord=None, axis=None, keepdims=False):
    x = to_float(x)
    rank = len(x.shape)
    if axis is None:
        if ord is None:
            result = tf.sqrt(tf.reduce_sum(tf.square(x)))
            return tf.reshape(result, [1] * rank) if keepdims else result
        axis = tuple(range(rank))
    axes = (axis,) if isinstance(axis, int) else tuple(axis)
    axes = tuple(a % rank if -rank <= a < rank else a for a in axes)
    if builtins.any(not 0 <= a < rank for a in axes):
        raise ValueError(f"norm: axis {axis!r} is out of range for a tensor of shape {tuple(x.shape)}.")
    if len(axes) == 1:
        return _vector_norm(x, ord, axes[0], keepdims)
    if len(axes) == 2:
        return _matrix_norm(x, ord, axes, keepdims)
    raise ValueError(f"norm: axis must be None, an int or a pair of ints; received {axis!r}.")


def _contracted(fn, *operands) -> tf.Tensor:
    """``fn`` over promoted operands; ints and bool are computed in int32 (TensorFlow's
    matrix kernels are float and int32 only) and cast back, which wraps like the narrow dtype."""
    operands = promoted(*operands)
    dtype = operands[0].dtype
    if dtype in FLOAT_DTYPES or dtype == INT32:
        return fn(*operands)
    wide = tf.int64 if dtype == tf.uint32 else INT32
    result = fn(*(tf.cast(x, wide) for x in operands))
    return tf.not_equal(result, 0) if dtype == tf.bool else tf.cast(result, dtype)


def _matmul(x1: tf.Tensor, x2: tf.Tensor) -> tf.Tensor:
    vector1, vector2 = len(x1.shape) == 1, len(x2.shape) == 1
    if len(x1.shape) == 0 or len(x2.shape) == 0:
        raise ValueError(f"matmul: operands need ndim >= 1; received shapes {tuple(x1.shape)} and {tuple(x2.shape)}.")
    if vector1:
        x1 = x1[tf.newaxis, :]
    if vector2:
        x2 = x2[:, tf.newaxis]
    if x1.shape[-1] != x2.shape[-2]:
        raise ValueError(f"matmul: inner dimensions differ: shapes {tuple(x1.shape)} and {tuple(x2.shape)}.")
    if x1.dtype == tf.int64:
        # No int64 BatchMatMul kernel on CPU: an exact contraction by broadcasting.
        result = tf.reduce_sum(x1[..., :, :, tf.newaxis] * x2[..., tf.newaxis, :, :], axis=-2)
    else:
        result = tf.linalg.matmul(x1, x2)
    if vector1:
        result = tf.squeeze(result, -2)
    if vector2:
        result = tf.squeeze(result, -1)
    return result


def _vector_norm(x: tf.Tensor, ord, axis, keepdims) -> tf.Tensor:
    magnitude = tf.abs(x)
    if ord is None or ord == 2:
        return tf.sqrt(tf.reduce_sum(tf.square(x), axis=axis, keepdims=keepdims))
    if ord == 1:
        return tf.reduce_sum(magnitude, axis=axis, keepdims=keepdims)
    if ord == math.inf:
        return tf.reduce_max(magnitude, axis=axis, keepdims=keepdims)
    if ord == -math.inf:
        return tf.reduce_min(magnitude, axis=axis, keepdims=keepdims)
    if ord == 0:
        return tf.reduce_sum(tf.cast(tf.not_equal(x, 0), x.dtype), axis=axis, keepdims=keepdims)
    if isinstance(ord, str):
        raise ValueError(f"norm: ord {ord!r} is a matrix norm; a vector norm takes a number.")
    return tf.pow(tf.reduce_sum(tf.pow(magnitude, ord), axis=axis, keepdims=keepdims), 1.0 / ord)


def _matrix_norm(x: tf.Tensor, ord, axes: tuple[int, int], keepdims: bool) -> tf.Tensor:
    rows, cols = axes
    if ord in (None, "fro"):
        result = tf.sqrt(tf.reduce_sum(tf.square(x), axis=list(axes), keepdims=True))
    elif ord in (1, -1, math.inf, -math.inf):
        summed, reduced = (rows, cols) if ord in (1, -1) else (cols, rows)
        pick = tf.reduce_max if ord > 0 else tf.reduce_min
        result = pick(tf.reduce_sum(tf.abs(x), axis=summed, keepdims=True), axis=reduced, keepdims=True)
    elif ord in (2, -2, "nuc"):
        rank = len(x.shape)
        order = [a for a in range(rank) if a not in axes] + [rows, cols]
        singular = tf.linalg.svd(tf.transpose(x, order), compute_uv=False)
        pick = {2: tf.reduce_max, -2: tf.reduce_min, "nuc": tf.reduce_sum}[ord]
        result = tf.expand_dims(tf.expand_dims(pick(singular, axis=-1), builtins.min(axes)), builtins.max(axes))
    else:
        raise ValueError(f"norm: unknown matrix norm ord {ord!r}; expected None, 'fro', 'nuc', 1, -1, 2, -2, inf or -inf.")
    return result if keepdims else tf.squeeze(result, list(axes))
