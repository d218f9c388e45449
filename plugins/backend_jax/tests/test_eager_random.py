"""Eager uniform/normal/truncated_normal draws come from one compiled program per distribution
and dtype, drawn in blocks, and equal jax.random's own draws bit for bit (the oracle)."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from oneiros.backend import get_backend

from oneiros_jax import _eager_random

SHAPES = [(), (3, 3, 1, 32), (_eager_random.BLOCK + 1,), (3, 7001)]
"""Each shape is one compile per distribution for the oracle: a scalar, part of a block, a block
and one more value, blocks ending inside a row."""
SEEDS = [12345, 2**40 + 7]


@pytest.fixture(scope="module")
def ops():
    return get_backend("jax").ops


def _bits(array):
    array = np.asarray(array)
    return array.dtype, array.shape, array.reshape(-1).view(np.uint8).tobytes()


@pytest.mark.parametrize(("dtype", "shapes"), [("float32", SHAPES), ("bfloat16", SHAPES[2:]),
                                               ("float16", SHAPES[2:])])
def test_blocked_draws_equal_jax_random_bit_for_bit(ops, dtype, shapes):
    jax_dtype = jnp.dtype(dtype)
    for seed in SEEDS:
        key = jnp.array([seed >> 32, seed & (2**32 - 1)], jnp.uint32)
        for shape in shapes:
            expected = {
                "uniform": jax.random.uniform(key, shape, jax_dtype, -0.3, 0.7),
                "normal": jax.random.normal(key, shape, jax_dtype) * 0.05 + 0.1,
                "truncated_normal": jax.random.truncated_normal(key, -2.0, 2.0, shape, jax_dtype) * 1.7 - 0.2,
            }
            drawn = {"uniform": ops.uniform(shape, -0.3, 0.7, dtype, seed=seed),
                     "normal": ops.normal(shape, 0.1, 0.05, dtype, seed=seed),
                     "truncated_normal": ops.truncated_normal(shape, -0.2, 1.7, dtype, seed=seed)}
            for name, values in drawn.items():
                assert _bits(values) == _bits(expected[name]), (name, dtype, seed, shape)


def test_one_program_per_distribution_and_dtype_whatever_the_shape(ops):
    _eager_random._block.clear_cache()
    for shape in [(3, 3, 1, 32), (3, 3, 32, 64), (1600, 10), (40000,)]:
        ops.uniform(shape, -1.0, 1.0, seed=1)
    ops.normal((5, 5), seed=2)
    assert _eager_random._block._cache_size() == 2


def test_inside_jit_the_draw_is_traced_and_equals_the_eager_one(ops):
    traced = jax.jit(lambda: ops.uniform((4, 5), -1.0, 1.0, seed=9))
    assert "threefry" in traced.lower().as_text()
    np.testing.assert_array_equal(np.asarray(traced()), np.asarray(ops.uniform((4, 5), -1.0, 1.0, seed=9)))


def test_block_keys_refuse_anything_but_drawing():
    key = jax.random.wrap_key_data(np.array([1, 2, 0], np.uint32), impl=_eager_random._AT_OFFSET)
    with pytest.raises(NotImplementedError, match="only draw random bits"):
        jax.random.split(key)


def test_only_eager_draws_of_at_most_the_largest_blocked_size_take_blocks():
    key = jax.random.PRNGKey(0)
    assert _eager_random.blockable(key, (_eager_random.LARGEST_BLOCKED,), jnp.float32)
    assert not _eager_random.blockable(key, (_eager_random.LARGEST_BLOCKED + 1,), jnp.float32)
    assert not _eager_random.blockable(key, (4,), jnp.float64)  # two words per value: JAX's own path
    inside_jit = []
    jax.jit(lambda traced: inside_jit.append(_eager_random.blockable(traced, (4,), jnp.float32)))(key)
    assert inside_jit == [False]
