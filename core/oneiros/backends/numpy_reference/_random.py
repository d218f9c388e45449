"""Random ops drawing from a Philox generator keyed by the seed.

A seed is an int or a key (uint32, shape (2,)); an int ``s`` draws the same numbers as the key
``make_seed(s)``. ``seed=None`` draws fresh numbers from the operating system's entropy.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from oneiros import dtypes
from oneiros.backends.numpy_reference._tensor import (
    as_tensor,
    compute_dtype,
    finish,
    float_result,
    numpy_dtype,
    quiet,
    shape_tuple,
)

__all__ = [
    "bernoulli", "categorical", "dropout", "make_seed", "normal", "randint", "shuffle",
    "split_seed", "truncated_normal", "uniform",
]

SEED_LIMIT = 2**63
TRUNCATION = 2.0


def _is_int(value: Any) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def make_seed(seed: Any) -> np.ndarray:
    if not _is_int(seed) or not 0 <= int(seed) < SEED_LIMIT:
        raise ValueError(f"make_seed needs an int in [0, 2**63); received {seed!r}.")
    value = int(seed)
    return np.array([value >> 32, value & 0xFFFFFFFF], dtype=np.uint32)


def _key(seed: Any) -> np.ndarray:
    if _is_int(seed):
        return make_seed(seed)
    key = as_tensor(seed)
    if key.shape != (2,) or key.dtype.kind not in "iu":
        raise ValueError(
            f"A seed must be an int or a key of shape (2,) from make_seed/split_seed; "
            f"received {key.dtype.name}{list(key.shape)}."
        )
    return key.astype(np.uint32)


def _generator(seed: Any) -> np.random.Generator:
    if seed is None:
        return np.random.default_rng()
    high, low = (int(word) for word in _key(seed))
    return np.random.Generator(np.random.Philox(key=(high << 32) | low))


def split_seed(seed: Any, num: int = 2) -> np.ndarray:
    if not _is_int(num) or num < 1:
        raise ValueError(f"split_seed needs num >= 1; received {num!r}.")
    high, low = (int(word) for word in _key(seed))
    # A SeedSequence hash, not the Philox stream, so child keys never repeat a parent's samples.
    words = np.random.SeedSequence([high, low]).generate_state(2 * int(num), np.uint32)
    return words.reshape(int(num), 2)


def _float_dtype(dtype: Any) -> str:
    name = numpy_dtype(dtype).name
    if not dtypes.is_float(name):
        raise TypeError(f"Expected a float dtype ({', '.join(dtypes.FLOATS)}); received {name}.")
    return name


def uniform(shape: Any, minval: Any = 0.0, maxval: Any = 1.0, dtype: Any = "float32",
            seed: Any = None) -> np.ndarray:
    name = _float_dtype(dtype)
    if not minval < maxval:
        raise ValueError(f"uniform needs minval < maxval; received {minval} and {maxval}.")
    unit = _generator(seed).random(shape_tuple(shape), dtype=np.float32)
    values = finish(minval + (maxval - minval) * unit, name)
    # Rounding to the output dtype may reach maxval; the interval is half-open.
    top = np.asarray(maxval, dtype=values.dtype)
    below_top = np.nextafter(top, np.asarray(-np.inf, dtype=values.dtype))
    return finish(np.minimum(values, below_top), name)


def normal(shape: Any, mean: Any = 0.0, stddev: Any = 1.0, dtype: Any = "float32",
           seed: Any = None) -> np.ndarray:
    name = _float_dtype(dtype)
    unit = _generator(seed).standard_normal(shape_tuple(shape), dtype=np.float32)
    return finish(mean + stddev * unit, name)


def truncated_normal(shape: Any, mean: Any = 0.0, stddev: Any = 1.0, dtype: Any = "float32",
                     seed: Any = None) -> np.ndarray:
    name = _float_dtype(dtype)
    generator = _generator(seed)
    unit = generator.standard_normal(shape_tuple(shape), dtype=np.float32)
    outside = np.abs(unit) >= TRUNCATION
    while outside.any():
        unit[outside] = generator.standard_normal(int(outside.sum()), dtype=np.float32)
        outside = np.abs(unit) >= TRUNCATION
    return finish(mean + stddev * unit, name)


def randint(shape: Any, minval: Any, maxval: Any, dtype: Any = "int32",
            seed: Any = None) -> np.ndarray:
    name = numpy_dtype(dtype).name
    if not dtypes.is_int(name):
        raise TypeError(f"randint needs an integer dtype; received {name}.")
    limits = np.iinfo(numpy_dtype(name))
    low, high = int(minval), int(maxval)
    if not limits.min <= low < high <= limits.max + 1:
        raise ValueError(
            f"randint needs {limits.min} <= minval < maxval <= {limits.max + 1} for {name}; "
            f"received minval={minval}, maxval={maxval}."
        )
    values = _generator(seed).integers(low, high, size=shape_tuple(shape), dtype=np.int64)
    return finish(values, name)


def bernoulli(shape: Any, p: Any = 0.5, seed: Any = None) -> np.ndarray:
    probability = np.asarray(p, dtype=np.float32)
    if probability.size and not ((probability >= 0) & (probability <= 1)).all():
        raise ValueError(f"bernoulli needs 0 <= p <= 1; received p={p}.")
    unit = _generator(seed).random(shape_tuple(shape), dtype=np.float32)
    return finish(unit < probability, "bool")


def dropout(x: Any, rate: Any, noise_shape: Any = None, seed: Any = None) -> np.ndarray:
    array = as_tensor(x)
    if not 0 <= float(rate) < 1:
        raise ValueError(f"dropout needs 0 <= rate < 1; received rate={rate}.")
    mask_shape = array.shape if noise_shape is None else shape_tuple(noise_shape)
    if np.broadcast_shapes(mask_shape, array.shape) != array.shape:
        raise ValueError(
            f"dropout noise_shape {mask_shape} does not broadcast to the input shape {array.shape}."
        )
    name = float_result(array.dtype.name)
    keep = _generator(seed).random(mask_shape, dtype=np.float32) >= float(rate)
    values = array.astype(compute_dtype(name))
    with quiet():
        return finish(np.where(keep, values / (1 - float(rate)), 0), name)


def shuffle(x: Any, axis: int = 0, seed: Any = None) -> np.ndarray:
    array = as_tensor(x)
    if array.ndim == 0:
        raise ValueError("shuffle needs a tensor of ndim >= 1; received a scalar.")
    axis = int(axis)
    order = _generator(seed).permutation(array.shape[axis])
    return np.take(array, order, axis=axis)


def categorical(logits: Any, num_samples: int, dtype: Any = "int32",
                seed: Any = None) -> np.ndarray:
    scores = as_tensor(logits)
    if scores.ndim != 2 or scores.shape[1] == 0:
        raise ValueError(
            f"categorical needs logits (batch, classes); received shape {scores.shape}."
        )
    name = numpy_dtype(dtype).name
    if not dtypes.is_int(name):
        raise TypeError(f"categorical needs an integer dtype; received {name}.")
    if not _is_int(num_samples) or num_samples < 1:
        raise ValueError(f"categorical needs num_samples >= 1; received {num_samples!r}.")
    noise = _generator(seed).gumbel(size=(scores.shape[0], int(num_samples), scores.shape[1]))
    # Gumbel-max: argmax(logits + Gumbel noise) is distributed as softmax(logits).
    with quiet():
        perturbed = scores.astype(np.float64)[:, np.newaxis, :] + noise
    return finish(np.argmax(perturbed, axis=-1), name)
