"""Products, norms, matrix decompositions, inverses and solvers, batched over leading axes like
``numpy.linalg``.

The decompositions take (..., M, N) float tensors (integers give float32) and work on the last two axes.
The LU family (``lu_factor``, ``solve``, ``solve_triangular``, ``inv``, ``det``, ``slogdet``,
``logdet``, ``cholesky_inverse``) and ``cholesky`` are derived: Gaussian elimination with partial
pivoting and column-by-column Cholesky written in ``oneiros.ops`` (static loops over the columns),
so engines without solvers still have them; engines with LAPACK-backed kernels override them.
Where a decomposition is unique only up to signs (``eigh``, ``svd``), the contract fixes them: the
largest-magnitude entry of every eigenvector / left singular vector is positive, so engines agree.
"""

from __future__ import annotations

import builtins
from typing import Any

from oneiros import ops
from oneiros.ops._contract import derived, op
from oneiros.ops._derive import floating, tensor


SQUARE = "a float tensor (..., N, N) of square matrices"
MATRICES = "a float tensor (..., M, N) of matrices"
SYSTEM = "a (..., N, N) float tensor and a right-hand side (..., N, K) or (..., N) with the same N"
POSITIVE_DEFINITE = SQUARE + " that are symmetric positive definite"


def _square(x: Any, what: str) -> Any:
    a = floating(x)
    shape = ops.shape(a)
    if len(shape) < 2 or shape[-1] != shape[-2]:
        raise ValueError(f"{what} needs square matrices (..., N, N); received shape {shape}.")
    return a


def _column(values: Any) -> Any:
    return ops.expand_dims(values, -1)


def _row(values: Any) -> Any:
    return ops.expand_dims(values, -2)


def _eliminate(a: Any) -> tuple[Any, Any, Any]:
    """(packed LU, int32 pivots as LAPACK's getrf, the row permutation applied) of square ``a``."""
    size = ops.shape(a)[-1]
    indices = ops.arange(size)
    lu = a
    order = ops.broadcast_to(indices, ops.shape(a)[:-1])
    pivots = []
    for k in range(size):
        candidates = ops.where(ops.greater_equal(indices, k), ops.abs(ops.take(lu, k, axis=-1)), -1.0)
        pivot = ops.cast(ops.argmax(candidates, axis=-1), "int32")
        pivots.append(pivot)
        swap = ops.where(ops.equal(indices, k), _column(pivot),
                         ops.where(ops.equal(indices, _column(pivot)), k, indices))
        lu = ops.take_along_axis(lu, ops.broadcast_to(_column(swap), ops.shape(lu)), axis=-2)
        order = ops.take_along_axis(order, swap, axis=-1)
        pivot_row = ops.take(lu, k, axis=-2)
        below = ops.greater(indices, k)
        diagonal = _column(ops.take(pivot_row, k, axis=-1))
        # A zero pivot (singular matrix) leaves its column as is: det 0, log|det| -inf, no NaN.
        safe = ops.where(ops.equal(diagonal, 0.0), ops.ones_like(diagonal), diagonal)
        factors = ops.where(ops.logical_and(below, ops.not_equal(diagonal, 0.0)),
                            ops.divide(ops.take(lu, k, axis=-1), safe), 0.0)
        right = ops.where(ops.greater(indices, k), pivot_row, 0.0)
        lu = ops.subtract(lu, ops.multiply(_column(factors), _row(right)))
        lu = ops.where(ops.logical_and(_column(below), _row(ops.equal(indices, k))), _column(factors), lu)
    return lu, ops.stack(pivots, axis=-1), order


def _diagonal(a: Any) -> Any:
    return ops.sum(ops.multiply(a, ops.eye(ops.shape(a)[-1], dtype=ops.dtype(a))), axis=-1)


def _parity_sign(pivots: Any) -> Any:
    swaps = ops.sum(ops.cast(ops.not_equal(pivots, ops.arange(ops.shape(pivots)[-1])), "int32"), axis=-1)
    return ops.subtract(1.0, ops.multiply(ops.cast(ops.mod(swaps, 2), "float32"), 2.0))


def _substitute(triangle: Any, right: Any, lower: bool, unit_diagonal: bool = False) -> Any:
    """The solution of triangle @ x = right (right (..., N, K)), one row at a time."""
    size = ops.shape(triangle)[-1]
    solved = [None] * size
    for i in (range(size) if lower else range(size - 1, -1, -1)):
        row = ops.take(triangle, i, axis=-2)
        value = ops.take(right, i, axis=-2)
        for j in (range(i) if lower else range(i + 1, size)):
            value = ops.subtract(value, ops.multiply(_column(ops.take(row, j, axis=-1)), solved[j]))
        solved[i] = value if unit_diagonal else ops.divide(value, _column(ops.take(row, i, axis=-1)))
    return ops.stack(solved, axis=-2)


def _system(a: Any, b: Any, what: str) -> tuple[Any, Any, bool]:
    matrices = _square(a, what)
    right = ops.cast(floating(b), ops.dtype(matrices))
    vector = len(ops.shape(right)) == len(ops.shape(matrices)) - 1
    right = _column(right) if vector else right
    if len(ops.shape(right)) < 2 or ops.shape(right)[-2] != ops.shape(matrices)[-2]:
        raise ValueError(f"{what}: the right-hand side {ops.shape(right)} does not match the matrices "
                         f"{ops.shape(matrices)}; expected (..., N, K) or (..., N).")
    batch = ops.shape(ops.add(ops.sum(matrices, axis=(-2, -1)), ops.sum(right, axis=(-2, -1))))
    return (ops.broadcast_to(matrices, batch + ops.shape(matrices)[-2:]),
            ops.broadcast_to(right, batch + ops.shape(right)[-2:]), vector)


def _lu_solve(lu: Any, order: Any, right: Any) -> Any:
    permuted = ops.take_along_axis(right, ops.broadcast_to(_column(order), ops.shape(right)), axis=-2)
    return _substitute(lu, _substitute(lu, permuted, lower=True, unit_diagonal=True), lower=False)


@derived("linalg", POSITIVE_DEFINITE)
def cholesky(x, upper=False):
    """The Cholesky factor L (lower, x = L L^T); the upper factor L^T when ``upper``.

    The definition builds L column by column (Cholesky-Banachiewicz) from the lower triangle.
    """
    a = _square(x, "cholesky")
    size = ops.shape(a)[-1]
    indices = ops.arange(size)
    columns: list[Any] = []
    for j in range(size):
        column = ops.take(a, j, axis=-1)
        for previous in columns:
            column = ops.subtract(column, ops.multiply(previous, _column(ops.take(previous, j, axis=-1))))
        root = ops.sqrt(ops.take(column, j, axis=-1))
        columns.append(ops.where(ops.greater(indices, j), ops.divide(column, _column(root)),
                                 ops.where(ops.equal(indices, j), _column(root), 0.0)))
    factor = ops.stack(columns, axis=-1)
    return ops.moveaxis(factor, -1, -2) if upper else factor


@derived("linalg", "a float tensor (..., N, N) holding Cholesky factors (lower, or upper when ``upper``)")
def cholesky_inverse(x, upper=False):
    """The inverse of the matrix whose Cholesky factor is ``x``: (L L^T)^-1, or (U^T U)^-1."""
    factor = _square(x, "cholesky_inverse")
    lower = ops.tril(ops.moveaxis(factor, -1, -2) if upper else factor)
    identity = ops.broadcast_to(ops.eye(ops.shape(lower)[-1], dtype=ops.dtype(lower)), ops.shape(lower))
    inverse_lower = _substitute(lower, identity, lower=True)
    return ops.matmul(ops.moveaxis(inverse_lower, -1, -2), inverse_lower)


@derived("linalg", SQUARE)
def det(x):
    """Determinants, shape (...)."""
    lu, pivots, _ = _eliminate(_square(x, "det"))
    return ops.multiply(ops.prod(_diagonal(lu), axis=-1), ops.cast(_parity_sign(pivots), ops.dtype(lu)))


@op("linalg", SQUARE, differentiable=False)
def eig(x):
    """Eigenvalues and right eigenvectors of general matrices, as (real, imag) pairs.

    Returns ((w_real, w_imag), (v_real, v_imag)): w (..., N), v (..., N, N) with v[..., :, i] the
    unit eigenvector of w[..., i], in LAPACK's ``geev`` order and phase.
    """


@op("linalg", SQUARE + " that are symmetric (only the lower triangle is read)")
def eigh(x):
    """(eigenvalues ascending (..., N), eigenvectors (..., N, N) as columns) of symmetric matrices."""


@derived("linalg", SQUARE + " that are invertible")
def inv(x):
    """Matrix inverses."""
    a = _square(x, "inv")
    lu, _, order = _eliminate(a)
    return _lu_solve(lu, order, ops.broadcast_to(ops.eye(ops.shape(a)[-1], dtype=ops.dtype(a)), ops.shape(a)))


@op("linalg", "a (..., M, N) float tensor and a right-hand side (..., M, K) or (..., M)")
def lstsq(a, b, rcond=None):
    """The least-squares solution x minimising ||a x - b||; singular values below ``rcond`` times
    the largest are dropped (None: max(M, N) * float32 eps)."""


@derived("linalg", SQUARE, differentiable=False)
def lu_factor(x):
    """(lu, pivots) like ``scipy.linalg.lu_factor``: L (unit diagonal, below) and U packed in one
    matrix, and int32 0-based row pivots (row i was swapped with row pivots[i])."""
    lu, pivots, _ = _eliminate(_square(x, "lu_factor"))
    return lu, pivots


@op("linalg", MATRICES + " and an optional tolerance", differentiable=False)
def matrix_rank(x, tol=None):
    """The number of singular values above ``tol`` (None: S.max() * max(M, N) * float32 eps); int32."""


@op("linalg", MATRICES)
def pinv(x, rcond=None):
    """The Moore-Penrose pseudo-inverse; singular values below ``rcond`` times the largest are
    dropped (None: max(M, N) * float32 eps)."""


@op("linalg", MATRICES + " and mode 'reduced' or 'complete'")
def qr(x, mode="reduced"):
    """(q, r) with x = q r: q orthonormal columns (..., M, K), r upper triangular (..., K, N); K is
    min(M, N) when 'reduced', M when 'complete'. Householder signs, as LAPACK ``geqrf``."""


@derived("linalg", SYSTEM)
def solve(a, b):
    """The solution x of a x = b."""
    matrices, right, vector = _system(a, b, "solve")
    lu, _, order = _eliminate(matrices)
    solution = _lu_solve(lu, order, right)
    return ops.squeeze(solution, -1) if vector else solution


@derived("linalg", SYSTEM + "; ``a`` is triangular (only that triangle is read)")
def solve_triangular(a, b, lower=False):
    """The solution x of a x = b for upper (or, when ``lower``, lower) triangular ``a``."""
    matrices, right, vector = _system(a, b, "solve_triangular")
    solution = _substitute(matrices, right, lower=bool(lower))
    return ops.squeeze(solution, -1) if vector else solution


@op("linalg", MATRICES)
def svd(x, full_matrices=True, compute_uv=True):
    """(u, s, vh) with x = u diag(s) vh and s descending; just s when not ``compute_uv``.

    u is (..., M, M) and vh (..., N, N) with ``full_matrices``, else (..., M, K) and (..., K, N).
    """


@derived("linalg", SQUARE)
def slogdet(x):
    """(sign, log|det|) of each matrix; sign is 0 and log|det| is -inf for singular matrices."""
    lu, pivots, _ = _eliminate(_square(x, "slogdet"))
    diagonal = _diagonal(lu)
    sign = ops.multiply(ops.prod(ops.sign(diagonal), axis=-1), ops.cast(_parity_sign(pivots), ops.dtype(lu)))
    return sign, ops.sum(ops.log(ops.abs(diagonal)), axis=-1)


@derived("linalg", SQUARE + " with positive determinants")
def logdet(x):
    """log(det(x)), computed stably (the log|det| of ``slogdet``)."""
    return slogdet(x)[1]


@derived("linalg", "two tensors whose last dimensions agree (scalars multiply)")
def inner(x1, x2):
    """Sum product over the last axes of x1 and x2, like ``numpy.inner``."""
    x1, x2 = tensor(x1), tensor(x2)
    if not ops.shape(x1) or not ops.shape(x2):
        return ops.multiply(x1, x2)
    return ops.tensordot(x1, x2, axes=([len(ops.shape(x1)) - 1], [len(ops.shape(x2)) - 1]))


@derived("linalg", "two tensors (flattened)")
def outer(x1, x2):
    """The outer product of the flattened x1 and x2."""
    return ops.multiply(ops.reshape(x1, (-1, 1)), ops.reshape(x2, (1, -1)))


@derived("linalg", "two tensors with the same number of elements")
def vdot(x1, x2):
    """The dot product of the flattened x1 and x2."""
    return ops.sum(ops.multiply(ops.ravel(x1), ops.ravel(x2)))


@derived("linalg", "two tensors: x1's last axis matches x2's (second-to-last when ndim >= 2)")
def dot(x1, x2):
    """numpy.dot: a product with scalars, an inner product of vectors, else a contraction."""
    x1, x2 = tensor(x1), tensor(x2)
    rank1, rank2 = len(ops.shape(x1)), len(ops.shape(x2))
    if not rank1 or not rank2:
        return ops.multiply(x1, x2)
    return ops.tensordot(x1, x2, axes=([rank1 - 1], [builtins.max(rank2 - 2, 0)]))


@derived("linalg", "two tensors whose vector axes have 2 or 3 components")
def cross(x1, x2, axisa=-1, axisb=-1, axisc=-1, axis=None):
    """The cross product of 2- or 3-vectors (two 2-vectors give the z component), like ``numpy.cross``."""
    if axis is not None:
        axisa = axisb = axisc = axis
    vectors = [ops.moveaxis(tensor(x1), axisa, -1), ops.moveaxis(tensor(x2), axisb, -1)]
    sizes = tuple(ops.shape(vector)[-1] for vector in vectors)
    if not set(sizes) <= {2, 3}:
        raise ValueError(f"cross needs vectors of 2 or 3 components; received {sizes}.")
    (ax, ay, az), (bx, by, bz) = (
        ops.unstack(ops.pad(vector, [(0, 0)] * (len(ops.shape(vector)) - 1) + [(0, 3 - size)]), axis=-1)
        for vector, size in zip(vectors, sizes)
    )
    z = ops.subtract(ops.multiply(ax, by), ops.multiply(ay, bx))
    if sizes == (2, 2):
        return z
    x = ops.subtract(ops.multiply(ay, bz), ops.multiply(az, by))
    y = ops.subtract(ops.multiply(az, bx), ops.multiply(ax, bz))
    return ops.moveaxis(ops.stack([x, y, z], axis=-1), -1, axisc)


@derived("linalg", "float tensors (..., m, d) and (..., n, d)")
def cdist(x, y):
    """Euclidean distances between every row of x and every row of y: shape (..., m, n)."""
    x, y = floating(x), floating(y)
    gaps = ops.subtract(ops.expand_dims(x, -2), ops.expand_dims(y, -3))
    return ops.sqrt(ops.sum(ops.square(gaps), axis=-1))


@op("linalg", "tensors of ndim >= 1 whose inner dimensions agree (numpy.matmul rules)")
def matmul(x1, x2):
    """Matrix product with batch broadcasting, like ``numpy.matmul``."""


@op("linalg", "a valid einsum subscripts string and operands whose dimensions agree with it")
def einsum(subscripts, *operands):
    """Einstein summation, like ``numpy.einsum``."""


@op("linalg", "two tensors and axes (int or pair of sequences) of equal-sized dimensions")
def tensordot(x1, x2, axes=2):
    """Tensor contraction over ``axes``, like ``numpy.tensordot``."""


@op("linalg", "a float tensor, ord None/'fro'/1/2/inf and axis None, int or pair")
def norm(x, ord=None, axis=None, keepdims=False):
    """Vector or matrix norm, like ``numpy.linalg.norm``."""
