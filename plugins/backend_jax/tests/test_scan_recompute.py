"""On CPU the jax backend's scan recomputes its body's intermediates in the reverse pass instead of
stacking them (faster on XLA:CPU); the gradients equal plain ``lax.scan``'s (JAX's own derivative,
the oracle) and products with long contractions stay stored."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from oneiros.backend import get_backend

from oneiros_jax import _control

pytestmark = pytest.mark.skipif(jax.default_backend() != "cpu", reason="the recomputation is chosen for CPU devices")


@pytest.fixture(scope="module")
def ops():
    return get_backend("jax").ops


def _cell(weights):
    def step(carry, x_t):
        h, c = carry
        z = x_t @ weights["kernel"] + h @ weights["recurrent"] + weights["bias"]
        i, f, g, o = jnp.split(z, 4, axis=-1)
        c = jax.nn.sigmoid(f) * c + jax.nn.sigmoid(i) * jnp.tanh(g)
        h = jax.nn.sigmoid(o) * jnp.tanh(c)
        return (h, c), h @ weights["wide"]
    return step


@pytest.fixture(scope="module")
def problem():
    rng = np.random.default_rng(3)
    units, features = 8, 5
    weights = {
        "kernel": rng.normal(size=(features, 4 * units)), "recurrent": rng.normal(size=(units, 4 * units)) * 0.3,
        "bias": rng.normal(size=4 * units), "wide": rng.normal(size=(units, _control.SAVED_CONTRACTION)),
    }
    weights = {name: jnp.asarray(value, jnp.float32) for name, value in weights.items()}
    xs = jnp.asarray(rng.normal(size=(11, 3, features)), jnp.float32)
    return weights, xs


def _loss(scan, weights, xs):
    zeros = jnp.zeros((xs.shape[1], weights["recurrent"].shape[0]))
    (h, c), outputs = scan(_cell(weights), (zeros, zeros), xs)
    return jnp.sum(h * c) + jnp.mean(jnp.tanh(outputs))


@pytest.mark.parametrize("reverse", [False, True])
def test_scan_gradients_equal_plain_lax_scan(ops, problem, reverse):
    weights, xs = problem
    ours = jax.jit(jax.grad(lambda w: _loss(lambda f, i, x: ops.scan(f, i, x, reverse=reverse), w, xs)))(weights)
    plain = jax.jit(jax.grad(lambda w: _loss(lambda f, i, x: jax.lax.scan(f, i, x, reverse=reverse), w, xs)))(weights)
    for name in weights:
        np.testing.assert_allclose(ours[name], plain[name], rtol=1e-5, atol=1e-6, err_msg=name)


def test_the_scan_body_is_recomputed_in_the_reverse_pass(ops, problem):
    weights, xs = problem
    jaxpr = str(jax.make_jaxpr(lambda w: _loss(ops.scan, w, xs))(weights))
    assert "policy=<function _saves_long_contractions" in jaxpr and "remat" not in str(
        jax.make_jaxpr(lambda w: _loss(jax.lax.scan, w, xs))(weights))


@pytest.mark.parametrize(("contraction", "stored"), [(_control.SAVED_CONTRACTION - 1, False),
                                                     (_control.SAVED_CONTRACTION, True)])
def test_products_are_stored_only_with_long_contractions(contraction, stored):
    lhs, rhs = jax.core.ShapedArray((3, contraction), jnp.float32), jax.core.ShapedArray((contraction, 7), jnp.float32)
    dimension_numbers = (((1,), (0,)), ((), ()))
    assert _control._saves_long_contractions(jax.lax.dot_general_p, lhs, rhs,
                                             dimension_numbers=dimension_numbers) is stored
    assert not _control._saves_long_contractions(jax.lax.tanh_p, lhs)
