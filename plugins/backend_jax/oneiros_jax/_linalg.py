"""Products, norms, decompositions, inverses and solvers: jax.numpy.linalg and jax.scipy.linalg,
batched by vmap where scipy's functions take one matrix."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import jax.scipy.linalg as jsl

from oneiros_jax._dtypes import to_float

__all__ = [
    "cholesky", "cholesky_inverse", "det", "eig", "eigh", "einsum", "inv", "logdet", "lstsq", "lu_factor", "matmul",
    "matrix_rank", "norm", "pinv", "qr", "slogdet", "solve", "solve_triangular", "svd", "tensordot",
]

_FLOAT32_EPS = float(jnp.finfo(jnp.float32).eps)


def _matrices(x, what, square=False):
    a = to_float(x)
    if a.ndim < 2 or (square and a.shape[-1] != a.shape[-2]):
        kind = "square matrices (..., N, N)" if square else "matrices (..., M, N)"
        raise ValueError(f"{what} needs {kind}; received shape {a.shape}.")
    return a


def _batched(fn, ndim):
    for _ in range(ndim - 2):
        fn = jax.vmap(fn)
    return fn


def _right_hand_side(a, b, what):
    b = jnp.asarray(b).astype(a.dtype)
    vector = b.ndim == a.ndim - 1
    if b.ndim == 0 or (b[..., None] if vector else b).shape[-2] != a.shape[-2]:
        raise ValueError(f"{what}: the right-hand side {b.shape} does not match the matrices {a.shape}; "
                         f"expected (..., {a.shape[-2]}, K) or (..., {a.shape[-2]}).")
    return (b[..., None] if vector else b), vector


def _positive_largest(vectors, count):
    columns = vectors[..., :, :count]
    index = jnp.argmax(jnp.abs(columns), axis=-2)[..., None, :]
    signs = jnp.sign(jnp.take_along_axis(columns, index, axis=-2))[..., 0, :]
    return jnp.where(signs == 0, 1, signs).astype(vectors.dtype)


def _from_lower_triangle(a):
    """The symmetric matrix of ``a``'s lower triangle: its gradient lands on what is read."""
    return jnp.tril(a) + jnp.swapaxes(jnp.tril(a, -1), -1, -2)


def cholesky(x, upper=False):
    factor = jnp.linalg.cholesky(_from_lower_triangle(_matrices(x, "cholesky", square=True)))
    return jnp.swapaxes(factor, -1, -2) if upper else factor


def cholesky_inverse(x, upper=False):
    factor = _matrices(x, "cholesky_inverse", square=True)
    lower = jnp.tril(jnp.swapaxes(factor, -1, -2) if upper else factor)
    identity = jnp.broadcast_to(jnp.eye(lower.shape[-1], dtype=lower.dtype), lower.shape)
    inverse_lower = jsl.solve_triangular(lower, identity, lower=True)
    return jnp.swapaxes(inverse_lower, -1, -2) @ inverse_lower


def det(x):
    return jnp.linalg.det(_matrices(x, "det", square=True))


def eig(x):
    a = _matrices(x, "eig", square=True)
    values, vectors = jnp.linalg.eig(a)
    return ((values.real.astype(a.dtype), values.imag.astype(a.dtype)),
            (vectors.real.astype(a.dtype), vectors.imag.astype(a.dtype)))


def eigh(x):
    values, vectors = jnp.linalg.eigh(_from_lower_triangle(_matrices(x, "eigh", square=True)),
                                      symmetrize_input=False)
    return values, vectors * _positive_largest(vectors, vectors.shape[-1])[..., None, :]


def inv(x):
    return jnp.linalg.inv(_matrices(x, "inv", square=True))


def pinv(x, rcond=None):
    a = _matrices(x, "pinv")
    return jnp.linalg.pinv(a, rtol=max(a.shape[-2:]) * _FLOAT32_EPS if rcond is None else rcond)


def lstsq(a, b, rcond=None):
    matrices = _matrices(a, "lstsq")
    right, vector = _right_hand_side(matrices, b, "lstsq")
    solution = pinv(matrices, rcond) @ right
    return solution[..., 0] if vector else solution


def lu_factor(x):
    a = _matrices(x, "lu_factor", square=True)
    lu, pivots = _batched(jsl.lu_factor, a.ndim)(a)
    return lu, pivots.astype(jnp.int32)


def matrix_rank(x, tol=None):
    a = _matrices(x, "matrix_rank")
    s = jnp.linalg.svd(a, compute_uv=False)
    largest = jnp.max(s, axis=-1, initial=0.0, keepdims=True)
    cutoff = largest * max(a.shape[-2:]) * _FLOAT32_EPS if tol is None else tol
    return jnp.sum(s > cutoff, axis=-1).astype(jnp.int32)


def qr(x, mode="reduced"):
    if mode not in ("reduced", "complete"):
        raise ValueError(f"qr mode must be 'reduced' or 'complete'; received {mode!r}.")
    return jnp.linalg.qr(_matrices(x, "qr"), mode=mode)


def solve(a, b):
    matrices = _matrices(a, "solve", square=True)
    right, vector = _right_hand_side(matrices, b, "solve")
    solution = jnp.linalg.solve(matrices, right)
    return solution[..., 0] if vector else solution


def solve_triangular(a, b, lower=False):
    matrices = _matrices(a, "solve_triangular", square=True)
    right, vector = _right_hand_side(matrices, b, "solve_triangular")
    solution = jsl.solve_triangular(matrices, right, lower=lower)
    return solution[..., 0] if vector else solution


def svd(x, full_matrices=True, compute_uv=True):
    a = _matrices(x, "svd")
    if not compute_uv:
        return jnp.linalg.svd(a, compute_uv=False)
    u, s, vh = jnp.linalg.svd(a, full_matrices=full_matrices)
    count = s.shape[-1]
    signs = _positive_largest(u, count)
    u = jnp.concatenate([u[..., :count] * signs[..., None, :], u[..., count:]], axis=-1)
    vh = jnp.concatenate([vh[..., :count, :] * signs[..., :, None], vh[..., count:, :]], axis=-2)
    return u, s, vh


def slogdet(x):
    return tuple(jnp.linalg.slogdet(_matrices(x, "slogdet", square=True)))


def logdet(x):
    return jnp.linalg.slogdet(_matrices(x, "logdet", square=True))[1]


def matmul(x1, x2):
    return jnp.matmul(x1, x2)


def einsum(subscripts, *operands):
    return jnp.einsum(subscripts, *operands)


def tensordot(x1, x2, axes=2):
    return jnp.tensordot(x1, x2, axes)


def norm(x, ord=None, axis=None, keepdims=False):
    return jnp.linalg.norm(x, ord=ord, axis=axis, keepdims=keepdims)
