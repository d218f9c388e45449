"""``oi.random``: Keras 3's random functions, with its signatures, on every backend.

``seed`` is None, an int, a key (``ops.make_seed``) or a :class:`SeedGenerator`. An int gives the
same numbers on every call; a SeedGenerator gives new numbers per call and is reproducible from
its seed; None draws from the global generator, which ``oi.utils.set_random_seed`` reseeds.
Inside compiled training, evaluation and prediction, both SeedGenerators stored on layers and
the global generator are threaded through the step as state, so every call draws new numbers.

Example::

    noise = oi.random.normal((2, 3), stddev=0.1, seed=1)        # same numbers each call
    generator = oi.random.SeedGenerator(42)
    mask = oi.random.uniform((2, 3), seed=generator) < 0.5     # new numbers each call
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np

from oneiros import ops
from oneiros.layers.seed_generator import SeedGenerator, draw_seed

__all__ = ["SeedGenerator", "beta", "binomial", "categorical", "dropout", "gamma", "normal", "randint",
           "shuffle", "truncated_normal", "uniform"]

DEFAULT_FLOAT = "float32"
GAMMA_PROPOSALS = 16
"""Marsaglia-Tsang proposals drawn per gamma sample; each is accepted with probability above
0.95 (alpha >= 1), so all of them fail with probability below 1e-20."""


def _key(seed: Any) -> Any:
    """A key tensor for composite samplers, which split it into one key per draw."""
    drawn = draw_seed(seed)
    return ops.make_seed(int(drawn)) if isinstance(drawn, numbers.Integral) else drawn


def normal(shape: Sequence[int], mean: float = 0.0, stddev: float = 1.0, dtype: Any = None,
           seed: Any = None) -> Any:
    """Samples from a normal distribution with ``mean`` and ``stddev``."""
    return ops.normal(shape, mean=mean, stddev=stddev, dtype=dtype or DEFAULT_FLOAT, seed=draw_seed(seed))


def uniform(shape: Sequence[int], minval: float = 0.0, maxval: float = 1.0, dtype: Any = None,
            seed: Any = None) -> Any:
    """Samples uniform in ``[minval, maxval)``."""
    return ops.uniform(shape, minval=minval, maxval=maxval, dtype=dtype or DEFAULT_FLOAT, seed=draw_seed(seed))


def truncated_normal(shape: Sequence[int], mean: float = 0.0, stddev: float = 1.0, dtype: Any = None,
                     seed: Any = None) -> Any:
    """Normal samples, redrawn when more than two standard deviations from the mean."""
    return ops.truncated_normal(shape, mean=mean, stddev=stddev, dtype=dtype or DEFAULT_FLOAT,
                                seed=draw_seed(seed))


def randint(shape: Sequence[int], minval: int, maxval: int, dtype: Any = "int32", seed: Any = None) -> Any:
    """Integers uniform in ``[minval, maxval)``."""
    return ops.randint(shape, minval, maxval, dtype=dtype, seed=draw_seed(seed))


def categorical(logits: Any, num_samples: int, dtype: Any = "int32", seed: Any = None) -> Any:
    """Class indices drawn from ``softmax(logits)`` per row: shape ``(batch, num_samples)``."""
    return ops.categorical(logits, num_samples, dtype=dtype, seed=draw_seed(seed))


def dropout(inputs: Any, rate: float, noise_shape: Sequence[int] | None = None, seed: Any = None) -> Any:
    """``inputs`` with entries zeroed with probability ``rate``, the rest scaled by ``1/(1-rate)``."""
    return ops.dropout(inputs, rate, noise_shape=noise_shape, seed=draw_seed(seed))


def shuffle(x: Any, axis: int = 0, seed: Any = None) -> Any:
    """``x`` permuted randomly along ``axis``."""
    return ops.shuffle(x, axis=axis, seed=draw_seed(seed))


def gamma(shape: Sequence[int], alpha: Any, dtype: Any = None, seed: Any = None) -> Any:
    """Samples from Gamma(``alpha``, 1), ``alpha > 0`` (a number or a tensor broadcastable to ``shape``).

    Marsaglia and Tsang's method (ACM TOMS 26(3), 2000), with every proposal drawn at once so that
    it compiles to a fixed program; ``alpha < 1`` samples Gamma(alpha + 1) times ``U ** (1/alpha)``.
    """
    dtype = dtype or DEFAULT_FLOAT
    shape = tuple(shape)
    alpha = ops.broadcast_to(ops.convert_to_tensor(alpha, dtype), shape)
    normal_key, uniform_key, boost_key = ops.split_seed(_key(seed), 3)
    boosted = ops.where(ops.less(alpha, 1.0), ops.add(alpha, 1.0), alpha)
    d = ops.subtract(boosted, 1.0 / 3.0)
    c = ops.divide(1.0, ops.sqrt(ops.multiply(d, 9.0)))
    z = ops.normal((GAMMA_PROPOSALS, *shape), dtype=dtype, seed=normal_key)
    u = ops.uniform((GAMMA_PROPOSALS, *shape), dtype=dtype, seed=uniform_key)
    v = ops.power(ops.add(1.0, ops.multiply(c, z)), 3.0)
    positive = ops.greater(v, 0.0)
    log_v = ops.log(ops.where(positive, v, 1.0))
    bound = ops.add(ops.multiply(ops.square(z), 0.5), ops.multiply(d, ops.add(ops.subtract(1.0, v), log_v)))
    accepted = ops.logical_and(positive, ops.less(ops.log(u), bound))
    first = ops.expand_dims(ops.argmax(ops.cast(accepted, "int32"), axis=0), 0)
    samples = ops.squeeze(ops.take_along_axis(ops.multiply(d, v), first, axis=0), 0)
    boost = ops.power(ops.uniform(shape, dtype=dtype, seed=boost_key), ops.divide(1.0, alpha))
    return ops.where(ops.less(alpha, 1.0), ops.multiply(samples, boost), samples)


def beta(shape: Sequence[int], alpha: Any, beta: Any, dtype: Any = None, seed: Any = None) -> Any:
    """Samples from Beta(``alpha``, ``beta``), as ``X / (X + Y)`` with X ~ Gamma(alpha), Y ~ Gamma(beta)."""
    first_key, second_key = ops.split_seed(_key(seed), 2)
    x = gamma(shape, alpha, dtype=dtype, seed=first_key)
    y = gamma(shape, beta, dtype=dtype, seed=second_key)
    return ops.divide(x, ops.add(x, y))


def binomial(shape: Sequence[int], counts: Any, probabilities: Any, dtype: Any = None, seed: Any = None) -> Any:
    """Successes in ``counts`` trials of probability ``probabilities`` (numbers or tensors
    broadcastable to ``shape``), as floats of ``dtype``.

    Counts the uniform draws below the probability among the first ``counts`` of
    ``max(counts)`` draws per sample, so ``counts`` must be known when the function runs (not a
    value computed inside compiled code).
    """
    dtype = dtype or DEFAULT_FLOAT
    shape = tuple(shape)
    known_counts = np.asarray(counts)
    if known_counts.size == 0 or not np.all(known_counts >= 0) or not np.all(known_counts == np.round(known_counts)):
        raise ValueError(f"binomial: argument `counts` must be non-negative whole numbers; received {counts!r}.")
    trials = int(known_counts.max())
    counts = ops.broadcast_to(ops.convert_to_tensor(known_counts, "float32"), shape)
    probabilities = ops.broadcast_to(ops.convert_to_tensor(probabilities, "float32"), shape)
    draws = ops.uniform((*shape, trials), seed=_key(seed))
    counted = ops.less(ops.arange(trials, dtype="float32"), ops.expand_dims(counts, -1))
    successes = ops.logical_and(counted, ops.less(draws, ops.expand_dims(probabilities, -1)))
    return ops.sum(ops.cast(successes, dtype), axis=-1)
