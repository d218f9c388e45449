"""Random ops. ``seed`` is an int or a key from :func:`make_seed` / :func:`split_seed`.

The same seed gives the same numbers on one backend, run after run; backends need not agree
with each other. Inside compiled code pass keys, never Python ints, so each step differs.
"""

from __future__ import annotations

from oneiros.ops._contract import op

SHAPE = "a shape tuple of non-negative ints, a float dtype and a seed (int or key)"
NOT_DIFF = {"differentiable": False}


@op("random", "a non-negative int below 2**63", **NOT_DIFF)
def make_seed(seed):
    """A key tensor (uint32, shape (2,)) made from an int."""


@op("random", "a key tensor and num >= 1", **NOT_DIFF)
def split_seed(seed, num=2):
    """``num`` independent keys, stacked: shape (num, 2)."""


@op("random", SHAPE, **NOT_DIFF)
def uniform(shape, minval=0.0, maxval=1.0, dtype="float32", seed=None):
    """Uniform samples in [minval, maxval)."""


@op("random", SHAPE, **NOT_DIFF)
def normal(shape, mean=0.0, stddev=1.0, dtype="float32", seed=None):
    """Normal samples."""


@op("random", SHAPE, **NOT_DIFF)
def truncated_normal(shape, mean=0.0, stddev=1.0, dtype="float32", seed=None):
    """Normal samples restricted to within two standard deviations of the mean."""


@op("random", "a shape, int bounds minval < maxval, an int dtype and a seed", **NOT_DIFF)
def randint(shape, minval, maxval, dtype="int32", seed=None):
    """Uniform integers in [minval, maxval)."""


@op("random", "a shape, 0 <= p <= 1 and a seed", **NOT_DIFF)
def bernoulli(shape, p=0.5, seed=None):
    """Boolean samples that are true with probability ``p``."""


@op("random", "a float tensor, 0 <= rate < 1, a noise_shape broadcastable to x and a seed")
def dropout(x, rate, noise_shape=None, seed=None):
    """``x`` with entries zeroed with probability ``rate`` and the rest scaled by 1/(1-rate)."""


@op("random", "a tensor, an axis and a seed", **NOT_DIFF)
def shuffle(x, axis=0, seed=None):
    """``x`` permuted randomly along ``axis``."""


@op("random", "logits (batch, classes), num_samples >= 1 and a seed", **NOT_DIFF)
def categorical(logits, num_samples, dtype="int32", seed=None):
    """Class indices drawn from softmax(logits), shape (batch, num_samples)."""
