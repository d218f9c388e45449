"""Counter-based random numbers computed on the device, so keys may be traced inside ``jit``.

Every element's bits are a hash of (its flat position, the two uint32 words of the key, a stream
number): three rounds of MurmurHash3's 32-bit finalizer. PlaidML's own ``prng`` carries hidden
state between runs, which would break "same seed, same numbers" and cannot follow split keys.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from oneiros import dtypes
from oneiros.backend.host_arrays import int_tuple

from oneiros_plaidml._core import cast
from oneiros_plaidml._math import argmax, argsort, multiply
from oneiros_plaidml._shape import broadcast_to, reshape, take, where
from oneiros_plaidml._tensor import PlaidTensor, as_tensor, cast_expression, emit, host_tensor, position

_MASK = 0xFFFFFFFF


def make_seed(seed: Any) -> PlaidTensor:
    value = int(seed)
    if not 0 <= value < 2**63:
        raise ValueError(f"make_seed needs a non-negative int below 2**63; received {seed!r}")
    return host_tensor(np.array([value & _MASK, (value >> 32) & _MASK], np.uint32))


def _key(seed: Any) -> PlaidTensor:
    if seed is None:
        raise ValueError("random ops on the plaidml backend need an explicit seed (an int or a key)")
    if isinstance(seed, (int, np.integer)):
        return make_seed(seed)
    key = as_tensor(seed)
    if key.shape != (2,):
        raise ValueError(f"a random key has shape (2,); received {list(key.shape)}")
    return cast(key, "uint32")


def _mix(name: str, source: str) -> str:
    return (f"{name}a = {source} ^ ({source} >> 16); {name}b = as_uint({name}a * 2246822507, 32); "
            f"{name}c = {name}b ^ ({name}b >> 13); {name}d = as_uint({name}c * 3266489909, 32); "
            f"{name} = {name}d ^ ({name}d >> 16);")


def bits(seed: Any, count: int, stream: int = 0) -> PlaidTensor:
    """``count`` uint32 words for ``seed`` (flat, shape (count,))."""
    body = (f"Ka[] = =(I0[0]); Kb[] = =(I0[1]); Z[i: {count}] = =(I0[0]); "
            f"C = as_uint({position('Z', 0, count)}, 32); S = as_uint(C * 2654435769, 32) + Ka + {stream * 40503 + 1}; "
            + _mix("X", "S") + " T = X ^ Kb; " + _mix("Y", "T") + " U = as_uint(Y + Ka * 374761393, 32); "
            + _mix("W", "U") + " O = W;")
    return emit(body, [_key(seed)], (count,), "uint32")


def _unit(seed: Any, shape: tuple[int, ...], stream: int = 0, open_low: bool = False) -> PlaidTensor:
    """Uniform float32 in [0, 1) (or (0, 1) with ``open_low``) of ``shape``."""
    count = math.prod(shape)
    offset = " + 0.5" if open_low else ""
    unit = emit(f"O = (as_float(I0 >> 8, 32){offset}) * 5.9604644775390625e-08;", [bits(seed, count, stream)],
                (count,), "float32")
    return reshape(unit, shape)


def _float_dtype(dtype: Any) -> str:
    name = dtypes.name_of(dtype)
    if name not in dtypes.FLOATS:
        raise TypeError(f"random floats need a float dtype; received {name}")
    return name


def _shape(shape: Any) -> tuple[int, ...]:
    return int_tuple(shape, "shape")


def _empty(shape: tuple[int, ...], dtype: str) -> PlaidTensor | None:
    return host_tensor(np.zeros(shape, dtype)) if math.prod(shape) == 0 else None


def split_seed(seed: Any, num: int = 2) -> PlaidTensor:
    if int(num) < 1:
        raise ValueError(f"split_seed needs num >= 1; received {num}")
    return reshape(bits(seed, 2 * int(num), stream=7), (int(num), 2))


def uniform(shape: Any, minval: Any = 0.0, maxval: Any = 1.0, dtype: Any = "float32", seed: Any = None) -> PlaidTensor:
    shape, name = _shape(shape), _float_dtype(dtype)
    empty = _empty(shape, name)
    if empty is not None:
        return empty
    unit = _unit(seed, shape)
    low, high = as_tensor(minval, "float32"), as_tensor(maxval, "float32")
    return cast(emit("O = I1 + I0 * (I2 - I1);", [unit, low, high], shape, "float32"), name)


def _normal_pair(seed: Any, shape: tuple[int, ...], stream: int) -> tuple[PlaidTensor, PlaidTensor]:
    """Two independent standard normal tensors from one Box-Muller transform (cosine and sine)."""
    first, second = _unit(seed, shape, 2 * stream, open_low=True), _unit(seed, shape, 2 * stream + 1)
    radius = "sqrt(-2 * log(I0))"
    angle = "6.283185307179586 * I1"
    return (emit(f"O = {radius} * cos({angle});", [first, second], shape, "float32"),
            emit(f"O = {radius} * sin({angle});", [first, second], shape, "float32"))


def normal(shape: Any, mean: Any = 0.0, stddev: Any = 1.0, dtype: Any = "float32", seed: Any = None) -> PlaidTensor:
    shape, name = _shape(shape), _float_dtype(dtype)
    empty = _empty(shape, name)
    if empty is not None:
        return empty
    scaled = emit("O = I1 + I0 * I2;", [_normal_pair(seed, shape, 0)[0], as_tensor(mean, "float32"),
                                        as_tensor(stddev, "float32")], shape, "float32")
    return cast(scaled, name)


TRUNCATION_CANDIDATES = 6
"""Normal draws per element (three Box-Muller pairs); the first within two standard deviations
is kept. All six fall outside with probability 0.0455**6 < 1e-8; then the last one is clipped."""


def truncated_normal(shape: Any, mean: Any = 0.0, stddev: Any = 1.0, dtype: Any = "float32",
                     seed: Any = None) -> PlaidTensor:
    shape, name = _shape(shape), _float_dtype(dtype)
    empty = _empty(shape, name)
    if empty is not None:
        return empty
    candidates = [normal for stream in range(TRUNCATION_CANDIDATES // 2)
                  for normal in _normal_pair(seed, shape, stream)]
    last = f"I{TRUNCATION_CANDIDATES - 1}"
    body = f"R{TRUNCATION_CANDIDATES - 1} = {last} > 2 ? 2 : ({last} < -2 ? -2 : {last}); "
    for index in reversed(range(TRUNCATION_CANDIDATES - 1)):
        body += f"R{index} = I{index} * I{index} < 4 ? I{index} : R{index + 1}; "
    n = TRUNCATION_CANDIDATES
    body += f"O = I{n} + R0 * I{n + 1};"
    inputs = candidates + [as_tensor(mean, "float32"), as_tensor(stddev, "float32")]
    return cast(emit(body, inputs, shape, "float32"), name)


def randint(shape: Any, minval: Any, maxval: Any, dtype: Any = "int32", seed: Any = None) -> PlaidTensor:
    shape, name = _shape(shape), dtypes.name_of(dtype)
    if name not in dtypes.SIGNED + dtypes.UNSIGNED:
        raise TypeError(f"randint needs an integer dtype; received {name}")
    if int(minval) >= int(maxval):
        raise ValueError(f"randint needs minval < maxval; received {minval} and {maxval}")
    empty = _empty(shape, name)
    if empty is not None:
        return empty
    span = int(maxval) - int(minval)
    drawn = cast_expression(f"floor(Q) + {int(minval)}", name)
    return emit(f"Q = as_float(I0, 64) * {span} / 4294967296.0; O = {drawn};",
                [reshape(bits(seed, math.prod(shape)), shape)], shape, name)


def bernoulli(shape: Any, p: Any = 0.5, seed: Any = None) -> PlaidTensor:
    shape = _shape(shape)
    empty = _empty(shape, "bool")
    if empty is not None:
        return empty
    return emit("O = I0 < I1;", [_unit(seed, shape), as_tensor(p, "float32")], shape, "bool")


def dropout(x: Any, rate: Any, noise_shape: Any = None, seed: Any = None) -> PlaidTensor:
    x = as_tensor(x)
    if not 0 <= float(rate) < 1:
        raise ValueError(f"dropout needs 0 <= rate < 1; received {rate}")
    mask_shape = x.shape if noise_shape is None else tuple(
        size if wanted is None else int(wanted) for size, wanted in zip(x.shape, noise_shape))
    if x.size == 0 or float(rate) == 0:
        return x
    keep = broadcast_to(bernoulli(mask_shape, 1 - float(rate), seed), x.shape)
    return where(keep, multiply(x, 1.0 / (1 - float(rate))), 0.0)


def shuffle(x: Any, axis: int = 0, seed: Any = None) -> PlaidTensor:
    x = as_tensor(x)
    if x.ndim == 0 or x.shape[axis] <= 1:
        return x
    order = argsort(_unit(seed, (x.shape[axis],)))
    return take(x, order, axis)


def categorical(logits: Any, num_samples: int, dtype: Any = "int32", seed: Any = None) -> PlaidTensor:
    logits = as_tensor(logits, "float32") if as_tensor(logits).dtype != "float32" else as_tensor(logits)
    if logits.ndim != 2:
        raise ValueError(f"categorical needs logits (batch, classes); received {list(logits.shape)}")
    batch, classes = logits.shape
    shape = (batch, int(num_samples), classes)
    noise = _unit(seed, shape, open_low=True)
    scores = emit(f"L[b, s, c: {batch}, {num_samples}, {classes}] = =(I1[b, c]), s < {num_samples}; "
                  "O = L - log(-log(I0));", [noise, logits], shape, "float32")
    return cast(argmax(scores, -1), dtypes.name_of(dtype))


__all__ = ["bernoulli", "categorical", "dropout", "make_seed", "normal", "randint", "shuffle", "split_seed",
           "truncated_normal", "uniform"]
