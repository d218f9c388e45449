"""ops.vectorize against numpy.vectorize: elementwise, with a gufunc signature, with excluded arguments."""

from __future__ import annotations

import numpy as np
import pytest

from oneiros import ops
from oneiros.backend import backend_scope

RNG = np.random.default_rng(0)
A = RNG.normal(size=(2, 1, 3)).astype("float32")
B = RNG.normal(size=(4, 3)).astype("float32")


@pytest.fixture(autouse=True, params=["numpy", "jax"])
def backend(request):
    with backend_scope(request.param) as active:
        yield active


def test_elementwise_function_broadcasts_like_numpy():
    ours = ops.vectorize(lambda a, b: ops.add(ops.multiply(a, b), 1.0))(A, B)
    expected = np.vectorize(lambda a, b: a * b + 1.0)(A.astype(np.float64), B)
    np.testing.assert_allclose(ops.to_numpy(ours), expected, rtol=1e-6)


def test_gufunc_signature_maps_over_loop_dimensions():
    ours = ops.vectorize(lambda u, v: ops.sum(ops.multiply(u, v)), signature="(n),(n)->()")(A, B)
    expected = np.vectorize(lambda u, v: np.sum(u * v), signature="(n),(n)->()")(A.astype(np.float64), B)
    np.testing.assert_allclose(ops.to_numpy(ours), expected, rtol=1e-5)
    assert ops.shape(ours) == (2, 4)


def test_excluded_arguments_pass_through():
    scaled = ops.vectorize(lambda x, factor: ops.multiply(x, factor), excluded={1})(B, 3.0)
    np.testing.assert_allclose(ops.to_numpy(scaled), B * 3.0, rtol=1e-6)


def test_a_malformed_signature_says_what_it_expected():
    with pytest.raises(ValueError, match=r"\(m,n\),\(n\)->\(m\)"):
        ops.vectorize(lambda x: x, signature="(n)")(B)
