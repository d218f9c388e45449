"""Random ops keyed by explicit seeds.

MXNet's samplers draw from one global, stateful generator per device: reseeding it for every
keyed call would disturb every other user of MXNet's randomness in the process and still not
make a key's numbers independent of what ran before on other threads. So the random bits come
from a counter-based Philox stream on the host, keyed by the seed (an int ``s`` draws what the
key ``make_seed(s)`` draws), and MXNet does the arithmetic on them (scaling, masking,
selecting), which also makes dropout differentiable there. ``seed=None`` draws fresh entropy.

Keys are uint32 pairs (high word, low word), held as WideIntArrays.
"""

from __future__ import annotations

import secrets
from typing import Any

import numpy as np
from mxnet import numpy as mnp
from oneiros import dtypes

from oneiros_mxnet._host import upload
from oneiros_mxnet._shape import take
from oneiros_mxnet._tensor import (
    as_tensor,
    dtype_name,
    finish,
    float_result,
    from_numpy,
    is_python_scalar,
    shape_tuple,
    supported_name,
    to_compute,
    to_numpy,
)

__all__ = [
    "bernoulli", "categorical", "dropout", "make_seed", "normal", "randint", "shuffle",
    "split_seed", "truncated_normal", "uniform",
]

SEED_LIMIT = 2**63
TRUNCATION = 2.0
_WORD = 2**32


def _is_int(value: Any) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def _words(seed: int) -> np.ndarray:
    return np.array([seed // _WORD, seed % _WORD], dtype=np.uint32)


def make_seed(seed):
    if not _is_int(seed) or not 0 <= int(seed) < SEED_LIMIT:
        raise ValueError(f"make_seed needs an int in [0, 2**63); received {seed!r}.")
    return from_numpy(_words(int(seed)))


def _key_words(seed: Any) -> np.ndarray:
    if _is_int(seed):
        return _words(int(seed))
    key = to_numpy(seed)
    if key.shape != (2,) or key.dtype.kind not in "iu":
        raise ValueError(
            f"A seed must be an int or a key of shape (2,) from make_seed/split_seed; "
            f"received {key.dtype.name}{list(key.shape)}."
        )
    return key.astype(np.uint32)


def _bits(seed: Any) -> np.random.Generator:
    """The host generator for ``seed``: a Philox stream whose 128-bit key holds the two words."""
    if seed is None:
        return np.random.Generator(np.random.Philox(key=secrets.randbits(128)))
    high, low = (int(word) for word in _key_words(seed))
    return np.random.Generator(np.random.Philox(key=high * _WORD + low))


def split_seed(seed, num=2):
    if not _is_int(num) or num < 1:
        raise ValueError(f"split_seed needs num >= 1; received {num!r}.")
    # Hashing the parent key (not drawing from its stream) keeps children's numbers unrelated
    # to the numbers the parent key itself draws.
    words = np.random.SeedSequence(_key_words(seed).tolist()).generate_state(2 * int(num), np.uint32)
    return from_numpy(words.reshape(int(num), 2))


def _float_dtype(dtype: Any) -> str:
    name = supported_name(dtype)
    if not dtypes.is_float(name):
        raise TypeError(f"Expected a float dtype ({', '.join(dtypes.FLOATS)}); received {name}.")
    return name


def _scalar(value: Any, what: str) -> float:
    if is_python_scalar(value) or isinstance(value, np.generic):
        return float(value)
    array = to_numpy(value)
    if array.shape != ():
        raise ValueError(f"{what} must be a scalar; received shape {array.shape}.")
    return float(array)


def _upload(values: np.ndarray, name: str) -> Any:
    return finish(upload(np.ascontiguousarray(values)), name)


def uniform(shape, minval=0.0, maxval=1.0, dtype="float32", seed=None):
    name = _float_dtype(dtype)
    low, high = _scalar(minval, "minval"), _scalar(maxval, "maxval")
    if not low < high:
        raise ValueError(f"uniform needs minval < maxval; received {minval} and {maxval}.")
    unit = _bits(seed).random(shape_tuple(shape), dtype=np.float64)
    values = (low + (high - low) * unit).astype(np.float32 if name == "float32" else name)
    # Rounding to the output dtype may reach maxval; the interval is half-open.
    below_top = np.nextafter(np.asarray(high, values.dtype), np.asarray(-np.inf, values.dtype))
    return _upload(np.minimum(values, below_top), name)


def normal(shape, mean=0.0, stddev=1.0, dtype="float32", seed=None):
    name = _float_dtype(dtype)
    unit = _bits(seed).standard_normal(shape_tuple(shape))
    values = _scalar(mean, "mean") + _scalar(stddev, "stddev") * unit
    return _upload(values.astype(np.float32), name)


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype="float32", seed=None):
    name = _float_dtype(dtype)
    generator = _bits(seed)
    unit = generator.standard_normal(shape_tuple(shape))
    outside = np.abs(unit) >= TRUNCATION
    while outside.any():
        unit[outside] = generator.standard_normal(int(outside.sum()))
        outside = np.abs(unit) >= TRUNCATION
    values = _scalar(mean, "mean") + _scalar(stddev, "stddev") * unit
    return _upload(values.astype(np.float32), name)


def randint(shape, minval, maxval, dtype="int32", seed=None):
    name = supported_name(dtype)
    if not dtypes.is_int(name):
        raise TypeError(f"randint needs an integer dtype; received {name}.")
    limits = np.iinfo(name)
    low, high = int(minval), int(maxval)
    if not limits.min <= low < high <= limits.max + 1:
        raise ValueError(
            f"randint needs {limits.min} <= minval < maxval <= {limits.max + 1} for {name}; "
            f"received minval={minval}, maxval={maxval}."
        )
    return from_numpy(_bits(seed).integers(low, high, size=shape_tuple(shape), dtype=np.int64).astype(name))


def bernoulli(shape, p=0.5, seed=None):
    probability = np.asarray(to_numpy(p) if not is_python_scalar(p) else p, dtype=np.float64)
    if probability.size and not ((probability >= 0) & (probability <= 1)).all():
        raise ValueError(f"bernoulli needs 0 <= p <= 1; received p={p}.")
    return from_numpy(_bits(seed).random(shape_tuple(shape)) < probability)


def dropout(x, rate, noise_shape=None, seed=None):
    tensor = as_tensor(x)
    drop = _scalar(rate, "rate")
    if not 0 <= drop < 1:
        raise ValueError(f"dropout needs 0 <= rate < 1; received rate={rate}.")
    mask_shape = tuple(tensor.shape) if noise_shape is None else shape_tuple(noise_shape)
    if np.broadcast_shapes(mask_shape, tuple(tensor.shape)) != tuple(tensor.shape):
        raise ValueError(
            f"dropout noise_shape {mask_shape} does not broadcast to the input shape {tuple(tensor.shape)}."
        )
    name = float_result(dtype_name(tensor))
    # float32 draws (24 random bits) settle keep-or-drop as well as float64 ones, in half the time.
    keep = _bits(seed).random(mask_shape, dtype=np.float32) >= np.float32(drop)
    scale = upload(keep.astype(np.float32) * np.float32(1 / (1 - drop)))
    return finish(mnp.multiply(to_compute(tensor, name), scale), name)


def shuffle(x, axis=0, seed=None):
    tensor = as_tensor(x)
    if tensor.ndim == 0:
        raise ValueError("shuffle needs a tensor of ndim >= 1; received a scalar.")
    order = _bits(seed).permutation(tensor.shape[int(axis)])
    return take(tensor, from_numpy(order.astype(np.int32)), axis=int(axis))


def categorical(logits, num_samples, dtype="int32", seed=None):
    scores = as_tensor(logits)
    if scores.ndim != 2 or scores.shape[1] == 0:
        raise ValueError(f"categorical needs logits (batch, classes); received shape {tuple(scores.shape)}.")
    name = supported_name(dtype)
    if not dtypes.is_int(name):
        raise TypeError(f"categorical needs an integer dtype; received {name}.")
    if not _is_int(num_samples) or num_samples < 1:
        raise ValueError(f"categorical needs num_samples >= 1; received {num_samples!r}.")
    batch, classes = scores.shape
    noise = _bits(seed).gumbel(size=(batch, int(num_samples), classes))
    # Gumbel-max: argmax(logits + Gumbel noise) is distributed as softmax(logits).
    perturbed = mnp.add(mnp.expand_dims(to_compute(scores, "float32").astype("float64"), 1),
                        upload(noise))
    return finish(mnp.argmax(perturbed, axis=-1), name)
