"""Matrix decompositions, inverses and solvers, batched over leading axes like ``numpy.linalg``.

Every op takes (..., M, N) float tensors (integers give float32) and works on the last two axes.
Where a decomposition is unique only up to signs (``eigh``, ``svd``), the contract fixes them: the
largest-magnitude entry of every eigenvector / left singular vector is positive, so engines agree.
"""

from __future__ import annotations

from oneiros.ops._contract import op

SQUARE = "a float tensor (..., N, N) of square matrices"
MATRICES = "a float tensor (..., M, N) of matrices"
SYSTEM = "a (..., N, N) float tensor and a right-hand side (..., N, K) or (..., N) with the same N"
POSITIVE_DEFINITE = SQUARE + " that are symmetric positive definite"


@op("linalg", POSITIVE_DEFINITE)
def cholesky(x, upper=False):
    """The Cholesky factor L (lower, x = L L^T); the upper factor L^T when ``upper``."""


@op("linalg", "a float tensor (..., N, N) holding Cholesky factors (lower, or upper when ``upper``)")
def cholesky_inverse(x, upper=False):
    """The inverse of the matrix whose Cholesky factor is ``x``: (L L^T)^-1, or (U^T U)^-1."""


@op("linalg", SQUARE)
def det(x):
    """Determinants, shape (...)."""


@op("linalg", SQUARE, differentiable=False)
def eig(x):
    """Eigenvalues and right eigenvectors of general matrices, as (real, imag) pairs.

    Returns ((w_real, w_imag), (v_real, v_imag)): w (..., N), v (..., N, N) with v[..., :, i] the
    unit eigenvector of w[..., i], in LAPACK's ``geev`` order and phase.
    """


@op("linalg", SQUARE + " that are symmetric (only the lower triangle is read)")
def eigh(x):
    """(eigenvalues ascending (..., N), eigenvectors (..., N, N) as columns) of symmetric matrices."""


@op("linalg", SQUARE + " that are invertible")
def inv(x):
    """Matrix inverses."""


@op("linalg", "a (..., M, N) float tensor and a right-hand side (..., M, K) or (..., M)")
def lstsq(a, b, rcond=None):
    """The least-squares solution x minimising ||a x - b||; singular values below ``rcond`` times
    the largest are dropped (None: max(M, N) * float32 eps)."""


@op("linalg", SQUARE, differentiable=False)
def lu_factor(x):
    """(lu, pivots) like ``scipy.linalg.lu_factor``: L (unit diagonal, below) and U packed in one
    matrix, and int32 0-based row pivots (row i was swapped with row pivots[i])."""


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


@op("linalg", SYSTEM)
def solve(a, b):
    """The solution x of a x = b."""


@op("linalg", SYSTEM + "; ``a`` is triangular (only that triangle is read)")
def solve_triangular(a, b, lower=False):
    """The solution x of a x = b for upper (or, when ``lower``, lower) triangular ``a``."""


@op("linalg", MATRICES)
def svd(x, full_matrices=True, compute_uv=True):
    """(u, s, vh) with x = u diag(s) vh and s descending; just s when not ``compute_uv``.

    u is (..., M, M) and vh (..., N, N) with ``full_matrices``, else (..., M, K) and (..., K, N).
    """


@op("linalg", SQUARE)
def slogdet(x):
    """(sign, log|det|) of each matrix; sign is 0 and log|det| is -inf for singular matrices."""


@op("linalg", SQUARE + " with positive determinants")
def logdet(x):
    """log(det(x)), computed stably (the log|det| of ``slogdet``)."""
