"""The numpy reference's decompositions and solvers against scipy in float64 (an independent
implementation), and the sign rule the contract adds to eigh and svd."""

from __future__ import annotations

import numpy as np
import pytest

from oneiros.backends.numpy_reference import ops

scipy_linalg = pytest.importorskip("scipy.linalg", reason="scipy is the independent oracle of this test")

RNG = np.random.default_rng(7)
MATRICES = (RNG.standard_normal((3, 4, 4)) + 3 * np.eye(4)).astype(np.float32)


def test_lu_factor_matches_scipy_for_each_matrix_of_a_batch():
    lu, pivots = ops.lu_factor(MATRICES)
    assert pivots.dtype == np.int32
    for index, matrix in enumerate(MATRICES.astype(np.float64)):
        expected_lu, expected_pivots = scipy_linalg.lu_factor(matrix)
        np.testing.assert_allclose(lu[index], expected_lu, rtol=1e-5, atol=1e-5)
        np.testing.assert_array_equal(pivots[index], expected_pivots)


@pytest.mark.parametrize("lower", [False, True])
def test_solve_triangular_reads_only_its_triangle(lower):
    right = RNG.standard_normal((4, 2)).astype(np.float32)
    expected = scipy_linalg.solve_triangular(MATRICES[0].astype(np.float64), right, lower=lower)
    np.testing.assert_allclose(ops.solve_triangular(MATRICES[0], right, lower=lower), expected, rtol=1e-5)


@pytest.mark.parametrize("upper", [False, True])
def test_cholesky_and_its_inverse_match_scipy(upper):
    spd = MATRICES[0] @ MATRICES[0].T + np.eye(4, dtype=np.float32)
    factor = ops.cholesky(spd, upper=upper)
    np.testing.assert_allclose(factor, scipy_linalg.cholesky(spd.astype(np.float64), lower=not upper),
                               rtol=1e-5, atol=1e-5)
    expected = scipy_linalg.cho_solve((factor.astype(np.float64), not upper), np.eye(4))
    np.testing.assert_allclose(ops.cholesky_inverse(factor, upper=upper), expected, rtol=1e-4, atol=1e-6)


def test_pinv_and_lstsq_drop_singular_values_below_rcond():
    rank_two = (RNG.standard_normal((5, 2)) @ RNG.standard_normal((2, 4))).astype(np.float32)
    np.testing.assert_allclose(ops.pinv(rank_two, rcond=1e-4), scipy_linalg.pinv(rank_two.astype(np.float64), rtol=1e-4),
                               rtol=1e-3, atol=1e-5)
    right = RNG.standard_normal(5).astype(np.float32)
    expected = scipy_linalg.lstsq(rank_two.astype(np.float64), right, cond=1e-4)[0]
    np.testing.assert_allclose(ops.lstsq(rank_two, right, rcond=1e-4), expected, rtol=1e-3, atol=1e-5)
    assert int(ops.matrix_rank(rank_two)) == 2


def _largest_entries(vectors):
    return np.take_along_axis(vectors, np.argmax(np.abs(vectors), axis=-2)[..., None, :], axis=-2)


def test_eigh_and_svd_reconstruct_with_the_contract_signs():
    symmetric = MATRICES + np.swapaxes(MATRICES, -1, -2)
    values, vectors = ops.eigh(symmetric)
    np.testing.assert_allclose(values, np.linalg.eigvalsh(symmetric.astype(np.float64)), rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose((vectors * values[..., None, :]) @ np.swapaxes(vectors, -1, -2), symmetric, atol=1e-4)
    assert np.all(_largest_entries(vectors) > 0)
    u, s, vh = ops.svd(MATRICES[:, :, :3], full_matrices=False)
    np.testing.assert_allclose((u * s[..., None, :]) @ vh, MATRICES[:, :, :3], atol=1e-5)
    assert np.all(_largest_entries(u) > 0)


def test_eig_gives_complex_pairs_as_real_and_imaginary_parts():
    rotation = np.array([[0.0, -1.0], [1.0, 0.0]], np.float32)
    (real, imaginary), (vectors_real, vectors_imaginary) = ops.eig(rotation)
    values, vectors = scipy_linalg.eig(rotation.astype(np.float64))
    np.testing.assert_allclose(real + 1j * imaginary, values, atol=1e-6)
    np.testing.assert_allclose(vectors_real + 1j * vectors_imaginary, vectors, atol=1e-6)


def test_slogdet_and_logdet_match_scipy():
    sign, logabsdet = ops.slogdet(MATRICES)
    determinants = np.array([scipy_linalg.det(matrix.astype(np.float64)) for matrix in MATRICES])
    np.testing.assert_allclose(sign, np.sign(determinants))
    np.testing.assert_allclose(logabsdet, np.log(np.abs(determinants)), rtol=1e-5)
    spd = MATRICES[0] @ MATRICES[0].T + np.eye(4, dtype=np.float32)
    np.testing.assert_allclose(ops.logdet(spd), np.log(scipy_linalg.det(spd.astype(np.float64))), rtol=1e-5)


def test_non_square_input_names_the_shape():
    with pytest.raises(ValueError, match=r"\(2, 3\)"):
        ops.inv(np.zeros((2, 3), np.float32))
