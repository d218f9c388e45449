"""Random ops from a counter-based hash of the key, written in uint32 PyTensor graph ops.

A key is a uint32 tensor of shape (2,), so it can be an input of a compiled step and change
every call. ``pytensor.tensor.random`` draws from a generator object threaded through the
graph instead, which cannot be derived from such a key inside the graph, so the bits come from
hashing (key, element index) with the ``lowbias32`` integer mixer (Wellons): a bijection of
uint32, so the elements of one draw never collide, and the same key always gives the same
numbers on every linker.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytensor.tensor as pt
from oneiros import dtypes
from pytensor.graph.basic import Variable

from oneiros_pytensor._graph import graph_op
from oneiros_pytensor._tensors import as_float, dtype_name, finish, static_shape, tensor

__all__ = [
    "bernoulli", "categorical", "dropout", "make_seed", "normal", "randint", "shuffle",
    "split_seed", "truncated_normal", "uniform",
]

SEED_LIMIT = 2**63
TRUNCATION = 2.0
_STREAMS = {"split": 0x5EED0001, "uniform": 0x5EED0002, "angle": 0x5EED0003}
_MASK32 = 0xFFFFFFFF


def _word(value: int) -> np.ndarray:
    return np.asarray(value, dtype="uint64")


def _shift_right(x: Any, bits: int) -> Any:
    return pt.int_div(x, _word(1 << bits))


def _times(x: Any, factor: int) -> Any:
    # 32-bit words held in uint64: the product is exact, and the mask wraps it modulo 2**32.
    # (Relying on uint32 overflow instead differs between linkers: Numba widens fused products.)
    return pt.bitwise_and(x * _word(factor), _word(_MASK32))


def _mix(x: Any) -> Any:
    """lowbias32: an invertible mixer of 32-bit words with low bias."""
    x = pt.bitwise_xor(x, _shift_right(x, 16))
    x = _times(x, 0x7FEB352D)
    x = pt.bitwise_xor(x, _shift_right(x, 15))
    x = _times(x, 0x846CA68B)
    return pt.bitwise_xor(x, _shift_right(x, 16))


def _is_int(value: Any) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def make_seed(seed):
    if not _is_int(seed) or not 0 <= int(seed) < SEED_LIMIT:
        raise ValueError(f"make_seed needs an int in [0, 2**63); received {seed!r}.")
    value = int(seed)
    return np.array([value >> 32, value & _MASK32], dtype=np.uint32)


def _key(seed: Any) -> Any:
    if seed is None:
        seed = int(np.random.SeedSequence().entropy % SEED_LIMIT)
    if _is_int(seed):
        return pt.constant(make_seed(seed).astype(np.uint64))
    key = tensor(seed)
    if static_shape(key) != (2,) or key.dtype not in dtypes.SIGNED + dtypes.UNSIGNED:
        raise ValueError(f"A seed must be an int or a key of shape (2,) from make_seed/split_seed; received "
                         f"{key.dtype}{list(static_shape(key))}.")
    return finish(key, "uint64")


def _bits(seed: Any, count: int, stream: str) -> Any:
    """``count`` 32-bit words (in uint64) for ``seed``, distinct from each other and from other
    streams'."""
    key = _key(seed)
    first = _mix(pt.bitwise_xor(key[0], _word(_STREAMS[stream])))
    second = _mix(pt.bitwise_and(pt.bitwise_xor(key[1], first) + _word(0x9E3779B9), _word(_MASK32)))
    counters = np.arange(count, dtype=np.uint64)
    return _mix(pt.bitwise_xor(_mix(pt.bitwise_xor(counters, first)), second))


def _unit(seed: Any, shape: tuple[int, ...], stream: str, open_below: bool = False) -> Any:
    """float32 values in [0, 1) (or (0, 1] when ``open_below``) with 24 random bits each."""
    count = int(np.prod(shape))
    words = pt.cast(_shift_right(_bits(seed, count, stream), 8), "float32")
    if open_below:
        words = words + 1
    return pt.reshape(words * np.float32(2.0**-24), shape)


def _shape(shape: Any) -> tuple[int, ...]:
    sizes = tuple(int(size) for size in np.asarray(shape, dtype=np.int64).reshape(-1))
    if any(size < 0 for size in sizes):
        raise ValueError(f"shape must hold non-negative sizes; received {shape!r}.")
    return sizes


def _float_dtype(dtype: Any) -> str:
    name = dtype_name(dtype)
    if not dtypes.is_float(name):
        raise TypeError(f"Expected a float dtype ({', '.join(dtypes.FLOATS)}); received {name}.")
    return name


@graph_op
def split_seed(seed, num=2):
    if not _is_int(num) or num < 1:
        raise ValueError(f"split_seed needs num >= 1; received {num!r}.")
    return pt.cast(pt.reshape(_bits(seed, 2 * int(num), "split"), (int(num), 2)), "uint32")


@graph_op
def uniform(shape, minval=0.0, maxval=1.0, dtype="float32", seed=None):
    name = _float_dtype(dtype)
    sizes = _shape(shape)
    low, high = tensor(minval, "float32"), tensor(maxval, "float32")
    values = finish(low + _unit(seed, sizes, "uniform") * (high - low), name)
    # Rounding to a narrow dtype can reach maxval itself; those few values fold back to minval.
    return pt.switch(pt.ge(values, finish(high, name)), finish(low, name), values)


def _standard_normal(seed: Any, shape: tuple[int, ...]) -> Any:
    radius = pt.sqrt(-2 * pt.log(_unit(seed, shape, "uniform", open_below=True)))
    return radius * pt.cos(np.float32(2 * math.pi) * _unit(seed, shape, "angle"))


@graph_op
def normal(shape, mean=0.0, stddev=1.0, dtype="float32", seed=None):
    name = _float_dtype(dtype)
    values = tensor(mean, "float32") + tensor(stddev, "float32") * _standard_normal(seed, _shape(shape))
    return finish(values, name)


@graph_op
def truncated_normal(shape, mean=0.0, stddev=1.0, dtype="float32", seed=None):
    name = _float_dtype(dtype)
    # Inverse-CDF sampling restricted to [Phi(-2), Phi(2)].
    low = 0.5 * (1 + math.erf(-TRUNCATION / math.sqrt(2)))
    probability = low + _unit(seed, _shape(shape), "uniform", open_below=True) * np.float32(1 - 2 * low)
    standard = np.float32(math.sqrt(2)) * pt.erfinv(2 * probability - 1)
    standard = pt.clip(standard, -TRUNCATION, TRUNCATION)
    return finish(tensor(mean, "float32") + tensor(stddev, "float32") * standard, name)


@graph_op
def randint(shape, minval, maxval, dtype="int32", seed=None):
    name = dtype_name(dtype)
    if not dtypes.is_int(name):
        raise TypeError(f"randint needs an integer dtype; received {name}.")
    if not (_is_int(minval) and _is_int(maxval)) or int(minval) >= int(maxval):
        raise ValueError(f"randint needs int bounds minval < maxval; received {minval!r}, {maxval!r}.")
    sizes = _shape(shape)
    span = int(maxval) - int(minval)
    words = pt.reshape(_bits(seed, int(np.prod(sizes)), "uniform"), sizes)
    offsets = pt.cast(pt.mod(words, _word(span)), "int64")
    return finish(offsets + int(minval), name)


@graph_op
def bernoulli(shape, p=0.5, seed=None):
    return pt.lt(_unit(seed, _shape(shape), "uniform"), tensor(p, "float32"))


@graph_op
def dropout(x, rate, noise_shape=None, seed=None):
    x = as_float(x)
    if not isinstance(rate, Variable) and not 0 <= float(rate) < 1:
        raise ValueError(f"dropout needs 0 <= rate < 1; received {rate!r}.")
    if not isinstance(rate, Variable) and float(rate) == 0:
        return x
    shape = static_shape(x) if noise_shape is None else _shape(noise_shape)
    np.broadcast_shapes(shape, static_shape(x))
    keep = pt.ge(_unit(seed, shape, "uniform"), tensor(rate, "float32"))
    scale = 1 / (1 - tensor(rate, "float32"))
    return finish(pt.switch(keep, x * finish(scale, x.dtype), pt.zeros((), dtype=x.dtype)), x.dtype)


@graph_op
def shuffle(x, axis=0, seed=None):
    x = tensor(x)
    axis = int(axis) % x.ndim
    size = static_shape(x)[axis]
    # The words of one draw are distinct, so sorting them gives a uniform permutation.
    order = pt.argsort(_bits(seed, size, "uniform"), stable=True)
    return pt.take(x, order, axis=axis)


@graph_op
def categorical(logits, num_samples, dtype="int32", seed=None):
    logits = as_float(logits)
    if logits.ndim != 2:
        raise ValueError(f"categorical needs logits (batch, classes); received shape {static_shape(logits)}.")
    batch, classes = static_shape(logits)
    count = int(num_samples)
    # Gumbel-max: argmax(logits + Gumbel noise) is a draw from softmax(logits).
    noise = -pt.log(-pt.log(_unit(seed, (batch, count, classes), "uniform", open_below=True) * np.float32(1 - 2**-24)))
    samples = pt.argmax(finish(logits, "float32")[:, None, :] + noise, axis=-1)
    return finish(samples, dtype_name(dtype))
