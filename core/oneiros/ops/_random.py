"""Random ops. ``seed`` is an int, a key from :func:`make_seed` / :func:`split_seed`, or None.

The same seed gives the same numbers on one backend, run after run; backends need not agree
with each other. Inside compiled code pass keys, never Python ints, so each step differs.
``seed=None`` draws a key from the global SeedGenerator, whose state compiled steps thread like
any variable, so unseeded draws differ from call to call inside compiled code too.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from oneiros.ops._contract import CONTRACT, op


def unseeded_from_global(dispatch: Callable) -> Callable:
    """``dispatch`` with ``seed=None`` replaced by a key from the global SeedGenerator (never
    the operating system's entropy, which a compiled function would freeze at trace time)."""
    signature = CONTRACT[dispatch.__name__].signature

    @functools.wraps(dispatch)
    def drawing(*args: Any, **kwargs: Any) -> Any:
        bound = signature.bind(*args, **kwargs)
        if bound.arguments.get("seed") is None:
            from oneiros.layers.seed_generator import draw_seed

            bound.arguments["seed"] = draw_seed(None)
        return dispatch(*bound.args, **bound.kwargs)

    return drawing

SHAPE = "a shape tuple of non-negative ints, a float dtype and a seed (int or key)"
NOT_DIFF = {"differentiable": False}


@op("random", "a non-negative int below 2**63", **NOT_DIFF)
def make_seed(seed):
    """A key tensor (uint32, shape (2,)) made from an int."""


@op("random", "a key tensor and num >= 1", **NOT_DIFF)
def split_seed(seed, num=2):
    """``num`` independent keys, stacked: shape (num, 2)."""


@unseeded_from_global
@op("random", SHAPE, **NOT_DIFF)
def uniform(shape, minval=0.0, maxval=1.0, dtype="float32", seed=None):
    """Uniform samples in [minval, maxval)."""


@unseeded_from_global
@op("random", SHAPE, **NOT_DIFF)
def normal(shape, mean=0.0, stddev=1.0, dtype="float32", seed=None):
    """Normal samples."""


@unseeded_from_global
@op("random", SHAPE, **NOT_DIFF)
def truncated_normal(shape, mean=0.0, stddev=1.0, dtype="float32", seed=None):
    """Normal samples restricted to within two standard deviations of the mean."""


@unseeded_from_global
@op("random", "a shape, int bounds minval < maxval, an int dtype and a seed", **NOT_DIFF)
def randint(shape, minval, maxval, dtype="int32", seed=None):
    """Uniform integers in [minval, maxval)."""


@unseeded_from_global
@op("random", "a shape, 0 <= p <= 1 and a seed", **NOT_DIFF)
def bernoulli(shape, p=0.5, seed=None):
    """Boolean samples that are true with probability ``p``."""


@unseeded_from_global
@op("random", "a float tensor, 0 <= rate < 1, a noise_shape broadcastable to x and a seed")
def dropout(x, rate, noise_shape=None, seed=None):
    """``x`` with entries zeroed with probability ``rate`` and the rest scaled by 1/(1-rate)."""


@unseeded_from_global
@op("random", "a tensor, an axis and a seed", **NOT_DIFF)
def shuffle(x, axis=0, seed=None):
    """``x`` permuted randomly along ``axis``."""


@unseeded_from_global
@op("random", "logits (batch, classes), num_samples >= 1 and a seed", **NOT_DIFF)
def categorical(logits, num_samples, dtype="int32", seed=None):
    """Class indices drawn from softmax(logits), shape (batch, num_samples)."""
