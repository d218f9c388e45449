"""Random ops on jax.random. A seed is a Python int or a uint32 key of shape (2,).

``seed=None`` draws fresh entropy from the operating system on every call (not reproducible,
and inside jit it would be frozen into the compiled function: pass keys there).
"""

from __future__ import annotations

import secrets
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from oneiros_jax._dtypes import resolve
from oneiros_jax._eager_random import blockable, draw

__all__ = [
    "bernoulli", "categorical", "dropout", "make_seed", "normal", "randint", "shuffle", "split_seed",
    "truncated_normal", "uniform",
]

_SEED_LIMIT = 2**63
_LOW_BITS = 2**32 - 1


def make_seed(seed):
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or not 0 <= seed < _SEED_LIMIT:
        raise ValueError(f"make_seed: expected an int in [0, 2**63); received {seed!r}.")
    # jax.random.PRNGKey keeps only the low 32 bits of a seed when x64 is off; splitting the
    # 64-bit seed into (high, low) words is what PRNGKey does with x64 on, and equals
    # PRNGKey(seed) for every seed below 2**32.
    seed = int(seed)
    # Placed from the host: jnp.array would compile a conversion program on first use.
    return jax.device_put(np.array([seed >> 32, seed & _LOW_BITS], dtype=np.uint32))


def _key(seed: Any) -> Any:
    if seed is None:
        return make_seed(secrets.randbelow(_SEED_LIMIT))
    if isinstance(seed, (int, np.integer)):
        return make_seed(seed)
    key = jnp.asarray(seed)
    if key.shape != (2,) or key.dtype != jnp.uint32:
        raise ValueError(
            f"expected a seed that is an int or a uint32 key of shape (2,) from make_seed/split_seed; "
            f"received {key.dtype.name}{list(key.shape)}."
        )
    return key


def split_seed(seed, num=2):
    return jax.random.split(_key(seed), num)


def _scalars(*values: Any) -> bool:
    return all(isinstance(value, (int, float, np.number)) for value in values)


def uniform(shape, minval=0.0, maxval=1.0, dtype="float32", seed=None):
    key, shape, dtype = _key(seed), tuple(shape), resolve(dtype)
    # Eager draws come in blocks from one program (jnp.asarray of a host array would compile one
    # per shape too; device_put does not).
    if _scalars(minval, maxval) and blockable(key, shape, dtype):
        return jax.device_put(draw("uniform", key, shape, dtype, minval, maxval))
    return jax.random.uniform(key, shape, dtype, minval, maxval)


def normal(shape, mean=0.0, stddev=1.0, dtype="float32", seed=None):
    key, shape, dtype = _key(seed), tuple(shape), resolve(dtype)
    if _scalars(mean, stddev) and blockable(key, shape, dtype):
        return jax.device_put(draw("normal", key, shape, dtype) * stddev + mean)
    return jax.random.normal(key, shape, dtype) * stddev + mean


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype="float32", seed=None):
    key, shape, dtype = _key(seed), tuple(shape), resolve(dtype)
    if _scalars(mean, stddev) and blockable(key, shape, dtype):
        return jax.device_put(draw("truncated_normal", key, shape, dtype, -2.0, 2.0) * stddev + mean)
    return jax.random.truncated_normal(key, -2.0, 2.0, shape, dtype) * stddev + mean


def randint(shape, minval, maxval, dtype="int32", seed=None):
    return jax.random.randint(_key(seed), tuple(shape), minval, maxval, resolve(dtype))


def bernoulli(shape, p=0.5, seed=None):
    return jax.random.bernoulli(_key(seed), p, tuple(shape))


def dropout(x, rate, noise_shape=None, seed=None):
    if isinstance(rate, (int, float)) and not 0 <= rate < 1:
        raise ValueError(f"dropout: expected 0 <= rate < 1; received rate={rate!r}.")
    x = jnp.asarray(x)
    mask_shape = x.shape if noise_shape is None else tuple(noise_shape)
    keep = jax.random.bernoulli(_key(seed), 1.0 - rate, mask_shape)
    return lax.select(jnp.broadcast_to(keep, x.shape), x / (1.0 - rate), jnp.zeros_like(x))


def shuffle(x, axis=0, seed=None):
    return jax.random.permutation(_key(seed), x, axis=axis, independent=False)


def categorical(logits, num_samples, dtype="int32", seed=None):
    logits = jnp.asarray(logits)
    if logits.ndim != 2:
        raise ValueError(
            f"categorical: expected logits of shape (batch, classes); received {logits.shape}."
        )
    samples = jax.random.categorical(_key(seed), logits, axis=-1, shape=(num_samples, logits.shape[0]))
    return samples.T.astype(resolve(dtype))
