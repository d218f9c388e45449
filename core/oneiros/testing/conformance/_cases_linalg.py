"""Cases for decompositions, inverses and solvers, on single and batched matrices.

Inputs stay well conditioned (a multiple of the identity added, eigenvalues and singular values
far apart), so float32 results and finite-difference gradients are meaningful; symmetric inputs
are perturbed one entry at a time, which is why the contract reads only their lower triangle.
"""

from __future__ import annotations

import numpy as np

from oneiros.testing.conformance._case import call, case
from oneiros.testing.conformance._data import normal

Shape = tuple[int, ...]


def well_conditioned(r: np.random.Generator, shape: Shape) -> np.ndarray:
    return (normal(r, shape, 0.5) + 2 * np.eye(shape[-1], dtype=np.float32)).astype(np.float32)


def positive_definite(r: np.random.Generator, shape: Shape) -> np.ndarray:
    factor = normal(r, shape, 0.5)
    return (factor @ np.swapaxes(factor, -1, -2) + np.eye(shape[-1])).astype(np.float32)


def symmetric_spread(r: np.random.Generator, shape: Shape) -> np.ndarray:
    """Symmetric matrices with eigenvalues 1 apart (a rotation of diag(-1, 0, 1, ...))."""
    size = shape[-1]
    rotation = np.linalg.qr(normal(r, shape).astype(np.float64))[0]
    values = np.arange(size) - (size - 1) / 2
    return ((rotation * values[..., None, :]) @ np.swapaxes(rotation, -1, -2)).astype(np.float32)


def spread_singular_values(r: np.random.Generator, shape: Shape) -> np.ndarray:
    """Matrices whose singular values are 1, 2, 3, ... (rotations on both sides)."""
    rows, columns = shape[-2:]
    count = min(rows, columns)
    left = np.linalg.qr(normal(r, (*shape[:-2], rows, rows)).astype(np.float64))[0][..., :count]
    right = np.linalg.qr(normal(r, (*shape[:-2], columns, columns)).astype(np.float64))[0][..., :count]
    return ((left * np.arange(1, count + 1)) @ np.swapaxes(right, -1, -2)).astype(np.float32)


def lower_factor(r: np.random.Generator, shape: Shape) -> np.ndarray:
    return np.tril(well_conditioned(r, shape)).astype(np.float32)


CASES = [
    case("cholesky", "3x3", lambda r: call(positive_definite(r, (3, 3))), wrt=(0,), jit=True),
    case("cholesky", "batched-upper", lambda r: call(positive_definite(r, (2, 4, 4)), upper=True), wrt=(0,)),
    case("cholesky_inverse", "lower", lambda r: call(lower_factor(r, (3, 3))), wrt=(0,)),
    case("cholesky_inverse", "batched-upper",
         lambda r: call(np.swapaxes(lower_factor(r, (2, 3, 3)), -1, -2).copy(), upper=True), wrt=(0,)),
    case("det", "3x3", lambda r: call(well_conditioned(r, (3, 3))), wrt=(0,), jit=True),
    case("det", "batched", lambda r: call(normal(r, (2, 2, 4, 4))), wrt=(0,)),
    case("eig", "distinct-real", lambda r: call(np.triu(well_conditioned(r, (3, 3))) + np.diag([0.0, 1.0, 2.0]).astype(np.float32)),
         rtol=1e-4, atol=1e-5),
    case("eig", "rotation-complex", lambda r: call(np.array([[0.0, -1.0], [1.0, 0.0]], np.float32)), atol=1e-6),
    case("eigh", "4x4", lambda r: call(symmetric_spread(r, (4, 4))), wrt=(0,), jit=True, atol=1e-5),
    case("eigh", "batched", lambda r: call(symmetric_spread(r, (2, 3, 3))), wrt=(0,), atol=1e-5),
    case("inv", "3x3", lambda r: call(well_conditioned(r, (3, 3))), wrt=(0,), jit=True),
    case("inv", "batched", lambda r: call(well_conditioned(r, (2, 4, 4))), wrt=(0,)),
    case("lstsq", "overdetermined-vector", lambda r: call(spread_singular_values(r, (5, 3)), normal(r, (5,))),
         wrt=(0, 1), atol=1e-5),
    case("lstsq", "batched-matrix-rhs", lambda r: call(spread_singular_values(r, (2, 4, 3)), normal(r, (2, 4, 2))),
         atol=1e-5),
    case("lu_factor", "4x4", lambda r: call(normal(r, (4, 4)))),
    case("lu_factor", "batched", lambda r: call(normal(r, (2, 3, 3))), jit=True),
    case("matrix_rank", "full-and-deficient",
         lambda r: call(np.stack([spread_singular_values(r, (4, 3)),
                                  np.outer(normal(r, (4,)), normal(r, (3,))).astype(np.float32)]))),
    case("matrix_rank", "tolerance", lambda r: call(spread_singular_values(r, (3, 3)), tol=2.5)),
    case("pinv", "wide", lambda r: call(spread_singular_values(r, (2, 4))), wrt=(0,), atol=1e-5),
    case("pinv", "batched-tall", lambda r: call(spread_singular_values(r, (2, 4, 3))), wrt=(0,), atol=1e-5),
    case("pinv", "rcond-drops-small", lambda r: call(spread_singular_values(r, (4, 3)), rcond=0.4), atol=1e-5),
    case("qr", "tall-reduced", lambda r: call(normal(r, (4, 3))), wrt=(0,), jit=True, atol=1e-5),
    case("qr", "batched-complete", lambda r: call(normal(r, (2, 3, 3)), mode="complete"), atol=1e-5),
    case("solve", "vector-rhs", lambda r: call(well_conditioned(r, (3, 3)), normal(r, (3,))), wrt=(0, 1), jit=True),
    case("solve", "batched-matrix-rhs", lambda r: call(well_conditioned(r, (2, 3, 3)), normal(r, (2, 3, 2))),
         wrt=(0, 1)),
    case("solve_triangular", "upper", lambda r: call(well_conditioned(r, (3, 3)), normal(r, (3, 2))), wrt=(0, 1)),
    case("solve_triangular", "batched-lower-vector",
         lambda r: call(well_conditioned(r, (2, 4, 4)), normal(r, (2, 4)), lower=True), wrt=(0, 1)),
    case("svd", "square-full", lambda r: call(spread_singular_values(r, (3, 3))), wrt=(0,), jit=True, atol=1e-5),
    case("svd", "batched-tall-reduced", lambda r: call(spread_singular_values(r, (2, 4, 3)), full_matrices=False),
         wrt=(0,), atol=1e-5),
    case("svd", "values-only", lambda r: call(normal(r, (3, 5)), compute_uv=False), wrt=(0,)),
    case("slogdet", "signs", lambda r: call(np.stack([well_conditioned(r, (3, 3)), -well_conditioned(r, (3, 3))])),
         wrt=(0,)),
    case("slogdet", "singular", lambda r: call(np.zeros((2, 2), np.float32))),
    case("logdet", "positive-definite", lambda r: call(positive_definite(r, (2, 3, 3))), wrt=(0,), jit=True),
]
