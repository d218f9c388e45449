"""Random ops: reproducible per seed, right ranges and frequencies; control flow on lax."""

import jax
import numpy as np
import pytest
from oneiros.backend import get_backend


@pytest.fixture(scope="module")
def ops():
    return get_backend("jax").ops


def test_make_seed_is_prng_key_and_keeps_all_64_bits(ops):
    key = ops.make_seed(42)
    assert ops.dtype(key) == "uint32" and ops.shape(key) == (2,)
    np.testing.assert_array_equal(np.asarray(key), np.asarray(jax.random.PRNGKey(42)))
    np.testing.assert_array_equal(np.asarray(ops.make_seed(2**40 + 5)), [256, 5])
    assert not np.array_equal(np.asarray(ops.make_seed(2**40)), np.asarray(ops.make_seed(0)))


@pytest.mark.parametrize("bad", [-1, 2**63, 1.5, True])
def test_make_seed_refuses_non_seeds(ops, bad):
    with pytest.raises(ValueError, match="2\\*\\*63"):
        ops.make_seed(bad)


def test_split_seed_gives_distinct_keys(ops):
    keys = np.asarray(ops.split_seed(ops.make_seed(1), 3))
    assert keys.shape == (3, 2) and keys.dtype == np.uint32
    assert len({tuple(key) for key in keys}) == 3


def test_same_seed_same_numbers_and_int_equals_its_key(ops):
    first = np.asarray(ops.uniform((5,), seed=3))
    np.testing.assert_array_equal(first, np.asarray(ops.uniform((5,), seed=3)))
    np.testing.assert_array_equal(first, np.asarray(ops.uniform((5,), seed=ops.make_seed(3))))
    assert not np.array_equal(first, np.asarray(ops.uniform((5,), seed=4)))
    assert not np.array_equal(np.asarray(ops.uniform((5,))), np.asarray(ops.uniform((5,))))


def test_random_seed_must_be_an_int_or_a_key(ops):
    with pytest.raises(ValueError, match="uint32 key of shape"):
        ops.normal((2,), seed=np.zeros(3, np.uint32))


def test_distributions_have_their_ranges_and_moments(ops):
    uniform = np.asarray(ops.uniform((20000,), -2.0, 3.0, seed=0))
    assert uniform.min() >= -2 and uniform.max() < 3 and abs(uniform.mean() - 0.5) < 0.05
    normal = np.asarray(ops.normal((20000,), 1.0, 2.0, seed=1))
    assert abs(normal.mean() - 1) < 0.05 and abs(normal.std() - 2) < 0.05
    truncated = np.asarray(ops.truncated_normal((20000,), 1.0, 2.0, seed=2))
    assert truncated.min() >= -3 and truncated.max() <= 5
    integers = ops.randint((20000,), 3, 7, dtype="int16", seed=3)
    assert ops.dtype(integers) == "int16" and set(np.unique(np.asarray(integers))) == {3, 4, 5, 6}
    flips = ops.bernoulli((20000,), 0.25, seed=4)
    assert ops.dtype(flips) == "bool" and abs(np.asarray(flips).mean() - 0.25) < 0.02
    assert ops.dtype(ops.normal((2,), dtype="bfloat16", seed=0)) == "bfloat16"


def test_dropout_scales_kept_entries_and_shares_noise(ops):
    x = np.ones((400, 50), np.float32)
    dropped = np.asarray(ops.dropout(x, 0.2, seed=5))
    assert set(np.unique(dropped)) <= {0.0, 1.25} and abs((dropped == 0).mean() - 0.2) < 0.02
    shared = np.asarray(ops.dropout(x, 0.5, noise_shape=(1, 50), seed=6))
    assert (shared == shared[0]).all()
    with pytest.raises(ValueError, match="rate"):
        ops.dropout(x, 1.0, seed=0)


def test_shuffle_permutes_rows(ops):
    x = np.arange(12).reshape(6, 2)
    shuffled = np.asarray(ops.shuffle(x, seed=8))
    assert sorted(map(tuple, shuffled)) == sorted(map(tuple, x)) and not np.array_equal(shuffled, x)


def test_categorical_follows_the_logits(ops):
    logits = np.log(np.array([[0.999999, 1e-6], [1e-6, 0.999999]], np.float32))
    samples = ops.categorical(logits, 4, seed=9)
    assert ops.dtype(samples) == "int32" and ops.shape(samples) == (2, 4)
    np.testing.assert_array_equal(np.asarray(samples), [[0] * 4, [1] * 4])


def test_scan_cond_and_fori_loop(ops):
    def running_sum(carry, x):
        carry = carry + x
        return carry, carry * 10

    final, ys = ops.scan(running_sum, np.float32(0), np.arange(1, 5, dtype=np.float32))
    assert float(final) == 10 and np.asarray(ys).tolist() == [10, 30, 60, 100]
    _, backwards = ops.scan(running_sum, np.float32(0), np.arange(1, 5, dtype=np.float32), reverse=True)
    assert np.asarray(backwards).tolist() == [100, 90, 70, 40]
    assert float(ops.cond(True, lambda a, b: a + b, lambda a, b: a - b, 5.0, 2.0)) == 7
    assert float(ops.cond(False, lambda a, b: a + b, lambda a, b: a - b, 5.0, 2.0)) == 3
    assert int(ops.fori_loop(1, 6, lambda i, carry: carry * i, 1)) == 120


def test_ops_compose_inside_jit_with_keys(ops):
    @jax.jit
    def noisy_factorial(key):
        total = ops.fori_loop(1, 5, lambda i, carry: carry * i, 1.0)
        return total + ops.uniform((), seed=key) * 0

    assert float(noisy_factorial(ops.make_seed(0))) == 24
