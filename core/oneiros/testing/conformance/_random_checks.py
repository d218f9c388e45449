"""Checks of the random ops on the backend alone: determinism per seed, and sample statistics.

Backends need not draw the same numbers as the reference, so nothing here compares with it.
Statistical bounds are 5 standard errors wide on 10^5 samples: a correct sampler fails any of
the ~20 bounds with probability ~1e-5, and the seeds are fixed, so a passing backend keeps
passing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from oneiros import ops
from oneiros.backend import JIT, TRAINABLE, Backend

SAMPLES = 100_000
SIGMAS = 5.0
TRUNCATED_STD_RATIO = 0.8796  # std of a standard normal truncated to [-2, 2]


@dataclass(frozen=True)
class RandomCheck:
    """One property of one random op; ``requires`` names capabilities the backend must declare."""

    op: str
    label: str
    run: Callable[[Backend], None]
    requires: frozenset[str] = frozenset()

    @property
    def id(self) -> str:
        return f"{self.op}[{self.label}]"


def _numpy(x: Any) -> np.ndarray:
    return np.asarray(ops.to_numpy(x))


def _assert_near(what: str, value: float, expected: float, standard_error: float) -> None:
    bound = SIGMAS * standard_error
    assert abs(value - expected) <= bound, (
        f"{what} is {value:.6g}; expected {expected:.6g} +- {bound:.3g} ({SIGMAS:g} standard errors)"
    )


def _assert_dtype_shape(x: Any, dtype: str, shape: tuple[int, ...]) -> None:
    assert ops.dtype(x) == dtype, f"dtype {ops.dtype(x)}; expected {dtype}"
    assert tuple(ops.shape(x)) == shape, f"shape {tuple(ops.shape(x))}; expected {shape}"


def _keys(count: int) -> list[Any]:
    keys = ops.split_seed(ops.make_seed(1234), count)
    return [ops.reshape(part, (2,)) for part in ops.split(keys, count)]


def _seeding_check(op: str, draw: Callable[[Any], Any]) -> RandomCheck:
    """Same seed (int or key) -> the same numbers; different seeds -> different numbers."""

    def run(backend: Backend) -> None:
        first, second = _keys(2)
        for seed, other in ((11, 12), (first, second)):
            kind = "int" if isinstance(seed, int) else "key"
            a, b, c = _numpy(draw(seed)), _numpy(draw(seed)), _numpy(draw(other))
            np.testing.assert_array_equal(a, b, err_msg=f"{op}: the same {kind} seed gave different numbers")
            assert not np.array_equal(a, c), f"{op}: two different {kind} seeds gave the same numbers"

    return RandomCheck(op, "same-seed-same-numbers", run)


def _make_seed(backend: Backend) -> None:
    key = ops.make_seed(7)
    _assert_dtype_shape(key, "uint32", (2,))
    np.testing.assert_array_equal(_numpy(key), _numpy(ops.make_seed(7)))
    assert not np.array_equal(_numpy(key), _numpy(ops.make_seed(8))), "make_seed(7) == make_seed(8)"
    assert not np.array_equal(_numpy(ops.make_seed(0)), _numpy(ops.make_seed(2**40))), (
        "make_seed ignores the high bits of the seed"
    )


def _split_seed(backend: Backend) -> None:
    parent = ops.make_seed(3)
    keys = ops.split_seed(parent, 3)
    _assert_dtype_shape(keys, "uint32", (3, 2))
    rows = _numpy(keys)
    assert len({tuple(row) for row in rows} | {tuple(_numpy(parent))}) == 4, (
        f"split_seed gave repeated keys: parent {_numpy(parent)}, children {rows.tolist()}"
    )
    np.testing.assert_array_equal(rows, _numpy(ops.split_seed(parent, 3)))
    _assert_dtype_shape(ops.split_seed(parent), "uint32", (2, 2))


def _uniform(backend: Backend) -> None:
    low, high = -2.0, 3.0
    x = ops.uniform((SAMPLES,), low, high, seed=5)
    _assert_dtype_shape(x, "float32", (SAMPLES,))
    values = _numpy(x).astype(np.float64)
    assert values.min() >= low and values.max() < high, f"uniform left [{low}, {high}): {values.min()}, {values.max()}"
    variance = (high - low) ** 2 / 12
    _assert_near("uniform mean", values.mean(), (low + high) / 2, np.sqrt(variance / SAMPLES))
    # The variance of a sample variance of a uniform is (mu4 - sigma^4) / n, mu4 = (b-a)^4 / 80.
    _assert_near("uniform variance", values.var(), variance,
                 np.sqrt(((high - low) ** 4 / 80 - variance**2) / SAMPLES))


def _uniform_float16(backend: Backend) -> None:
    x = ops.uniform((1000,), 1.0, 2.0, "float16", seed=1)
    _assert_dtype_shape(x, "float16", (1000,))
    values = _numpy(x).astype(np.float64)
    assert values.min() >= 1.0 and values.max() <= 2.0, f"float16 uniform left [1, 2]: {values.min()}, {values.max()}"


def _normal(backend: Backend) -> None:
    mean, stddev = 1.5, 2.0
    x = ops.normal((SAMPLES,), mean, stddev, seed=6)
    _assert_dtype_shape(x, "float32", (SAMPLES,))
    values = _numpy(x).astype(np.float64)
    _assert_near("normal mean", values.mean(), mean, stddev / np.sqrt(SAMPLES))
    _assert_near("normal std", values.std(), stddev, stddev / np.sqrt(2 * SAMPLES))


def _truncated_normal(backend: Backend) -> None:
    mean, stddev = -1.0, 0.5
    x = ops.truncated_normal((SAMPLES,), mean, stddev, seed=7)
    _assert_dtype_shape(x, "float32", (SAMPLES,))
    values = _numpy(x).astype(np.float64)
    low, high = mean - 2 * stddev, mean + 2 * stddev
    assert values.min() >= low and values.max() <= high, (
        f"truncated_normal left [{low}, {high}]: {values.min()}, {values.max()}"
    )
    expected_std = TRUNCATED_STD_RATIO * stddev
    _assert_near("truncated_normal mean", values.mean(), mean, expected_std / np.sqrt(SAMPLES))
    # sigma / sqrt(2n) is the standard error of a normal sample's std; the truncated normal has
    # lighter tails (kurtosis < 3), so its true standard error is smaller: the bound is safe.
    _assert_near("truncated_normal std", values.std(), expected_std, expected_std / np.sqrt(2 * SAMPLES))


def _randint(backend: Backend) -> None:
    low, high = -3, 7
    x = ops.randint((SAMPLES,), low, high, seed=8)
    _assert_dtype_shape(x, "int32", (SAMPLES,))
    values = _numpy(x)
    counts = np.bincount(values - low, minlength=high - low)
    assert values.min() == low and values.max() == high - 1, (
        f"randint over [{low}, {high}) drew from [{values.min()}, {values.max()}]"
    )
    p = 1 / (high - low)
    for value, count in zip(range(low, high), counts):
        _assert_near(f"frequency of {value}", count / SAMPLES, p, np.sqrt(p * (1 - p) / SAMPLES))
    _assert_dtype_shape(ops.randint((3, 4), 0, 5, "int8", seed=1), "int8", (3, 4))


def _bernoulli(backend: Backend) -> None:
    p = 0.3
    x = ops.bernoulli((SAMPLES,), p, seed=9)
    _assert_dtype_shape(x, "bool", (SAMPLES,))
    _assert_near("bernoulli frequency", _numpy(x).mean(), p, np.sqrt(p * (1 - p) / SAMPLES))


def _dropout(backend: Backend) -> None:
    rate = 0.25
    x = ops.ones((SAMPLES,))
    values = _numpy(ops.dropout(x, rate, seed=10)).astype(np.float64)
    kept = values != 0
    _assert_near("dropout keep-rate", kept.mean(), 1 - rate, np.sqrt(rate * (1 - rate) / SAMPLES))
    np.testing.assert_allclose(values[kept], 1 / (1 - rate), rtol=1e-6,
                               err_msg="dropout must scale kept entries by 1/(1-rate)")
    np.testing.assert_array_equal(_numpy(ops.dropout(x, 0.0, seed=10)), _numpy(x),
                                  err_msg="dropout with rate 0 must return x")


def _dropout_noise_shape(backend: Backend) -> None:
    x = ops.ones((400, 50))
    values = _numpy(ops.dropout(x, 0.5, noise_shape=(400, 1), seed=11))
    assert (values == values[:, :1]).all(), "noise_shape (400, 1) must keep or drop whole rows"
    assert set(np.unique(values).tolist()) <= {0.0, 2.0}, f"dropout(0.5) of ones gave {np.unique(values)}"
    _assert_near("dropped-row frequency", (values[:, 0] == 0).mean(), 0.5, np.sqrt(0.25 / 400))


def _dropout_gradient(backend: Backend) -> None:
    """The gradient of sum(dropout(x) * w) is w * mask / (1 - rate), read off the forward pass."""
    rng = np.random.default_rng(0)
    x_values = (rng.uniform(0.5, 2.0, (4, 5)) * rng.choice([-1.0, 1.0], (4, 5))).astype(np.float32)
    weights = ops.convert_to_tensor(rng.standard_normal((4, 5)).astype(np.float32))
    x = ops.convert_to_tensor(x_values)
    key = ops.make_seed(12)

    def loss(params: Any) -> Any:
        return ops.sum(ops.multiply(ops.dropout(params, 0.5, seed=key), weights))

    _, grad = backend.value_and_grad(loss)(x)
    scale = _numpy(ops.dropout(x, 0.5, seed=key)) / x_values
    np.testing.assert_allclose(_numpy(grad), _numpy(weights) * scale, rtol=1e-5, atol=1e-6)


def _shuffle(backend: Backend) -> None:
    x = ops.arange(1000)
    values = _numpy(ops.shuffle(x, seed=13))
    np.testing.assert_array_equal(np.sort(values), np.arange(1000), err_msg="shuffle is not a permutation")
    assert not np.array_equal(values, np.arange(1000)), "shuffle left 1000 elements in order"


def _shuffle_axis1(backend: Backend) -> None:
    x = ops.reshape(ops.arange(200), (4, 50))
    values = _numpy(ops.shuffle(x, axis=1, seed=14))
    np.testing.assert_array_equal(np.sort(values[0]), np.arange(50), err_msg="shuffle(axis=1) is not a permutation")
    np.testing.assert_array_equal(values - values[:1], np.arange(4)[:, None] * 50 * np.ones((1, 50), int),
                                  err_msg="shuffle(axis=1) must move whole columns")
    assert not np.array_equal(values[0], np.arange(50)), "shuffle(axis=1) left 50 columns in order"


def _categorical(backend: Backend) -> None:
    probabilities = np.array([[0.2, 0.3, 0.5], [0.7, 0.2, 0.1]])
    per_row = SAMPLES // 2
    x = ops.categorical(ops.convert_to_tensor(np.log(probabilities).astype(np.float32)), per_row, seed=15)
    _assert_dtype_shape(x, "int32", (2, per_row))
    values = _numpy(x)
    for row, expected in zip(values, probabilities):
        assert row.min() >= 0 and row.max() < 3, f"categorical drew classes outside [0, 3): {np.unique(row)}"
        for cls, p in enumerate(expected):
            _assert_near(f"frequency of class {cls}", (row == cls).mean(), p, np.sqrt(p * (1 - p) / per_row))


def _keys_inside_jit(backend: Backend) -> None:
    draw = backend.jit(lambda key: ops.uniform((8,), seed=key))
    first, second = _keys(2)
    np.testing.assert_array_equal(_numpy(draw(first)), _numpy(draw(first)),
                                  err_msg="the same key gave different numbers inside jit")
    assert not np.array_equal(_numpy(draw(first)), _numpy(draw(second))), (
        "two keys gave the same numbers inside jit"
    )


CHECKS = [
    RandomCheck("make_seed", "deterministic-uint32", _make_seed),
    RandomCheck("split_seed", "distinct-children", _split_seed),
    _seeding_check("uniform", lambda seed: ops.uniform((64,), seed=seed)),
    RandomCheck("uniform", "moments", _uniform),
    RandomCheck("uniform", "float16", _uniform_float16),
    RandomCheck("uniform", "keys-inside-jit", _keys_inside_jit, frozenset({JIT})),
    _seeding_check("normal", lambda seed: ops.normal((64,), seed=seed)),
    RandomCheck("normal", "moments", _normal),
    _seeding_check("truncated_normal", lambda seed: ops.truncated_normal((64,), seed=seed)),
    RandomCheck("truncated_normal", "bounds-and-std", _truncated_normal),
    _seeding_check("randint", lambda seed: ops.randint((64,), 0, 1000, seed=seed)),
    RandomCheck("randint", "range-and-frequencies", _randint),
    _seeding_check("bernoulli", lambda seed: ops.bernoulli((64,), seed=seed)),
    RandomCheck("bernoulli", "frequency", _bernoulli),
    _seeding_check("dropout", lambda seed: ops.dropout(ops.ones((64,)), 0.5, seed=seed)),
    RandomCheck("dropout", "keep-rate-and-scaling", _dropout),
    RandomCheck("dropout", "noise-shape", _dropout_noise_shape),
    RandomCheck("dropout", "gradient", _dropout_gradient, frozenset({TRAINABLE})),
    _seeding_check("shuffle", lambda seed: ops.shuffle(ops.arange(64), seed=seed)),
    RandomCheck("shuffle", "permutation", _shuffle),
    RandomCheck("shuffle", "axis1-moves-columns", _shuffle_axis1),
    _seeding_check("categorical", lambda seed: ops.categorical(ops.zeros((2, 5)), 16, seed=seed)),
    RandomCheck("categorical", "frequencies", _categorical),
]
