"""Eager random draws that compile one program per distribution and dtype, not one per shape.

``jax.random.uniform(key, shape)`` called eagerly compiles a program for each shape, and XLA:CPU
takes 0.4-0.7 s of CPU for each threefry program: building the MNIST convnet's three kernels
cost more than a second before the first step. With JAX's partitionable threefry (its default),
the value at flat position ``i`` of a draw depends only on the key and ``i``, so a draw of any
shape is the concatenation of fixed-size blocks, each drawn by one compiled program from the key
and the block's first position. Each block goes through JAX's own ``jax.random`` functions (a
PRNG implementation whose keys carry that offset), so the values are JAX's to the bit.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax
from jax.extend.random import define_prng_impl, threefry2x32_p

BLOCK = 1 << 14
"""Values per compiled call: small enough that a bias-sized draw wastes little, large enough that a
big embedding takes few calls (a 20000 x 128 table: 157 calls, about 0.07 s on 2 cores)."""
LARGEST_BLOCKED = 1 << 22
"""Larger draws take JAX's own path: their compile is small beside drawing them, and on an
accelerator hundreds of block calls, each copied to the host, would cost more than it. (Blocks
need positions below 2**32 too, threefry's low counter word.)"""
_UINT = {8: jnp.uint8, 16: jnp.uint16, 32: jnp.uint32}


def _offset_bits(key_data: Any, bit_width: int, shape: tuple[int, ...]) -> Any:
    """Threefry's partitionable bits at flat positions ``offset + range(size)`` of the key
    ``(k1, k2, offset)``: what ``jax.random.bits`` gives at those positions of a larger draw."""
    first, second, offset = key_data[0], key_data[1], key_data[2]
    low = lax.iota(jnp.uint32, math.prod(shape)) + offset
    bits1, bits2 = threefry2x32_p.bind(first, second, jnp.zeros_like(low), low)
    return lax.convert_element_type(bits1 ^ bits2, _UINT[bit_width]).reshape(shape)


def _only_drawing(*_: Any) -> Any:
    raise NotImplementedError("oneiros' block keys only draw random bits; they are never seeded, split or folded.")


_AT_OFFSET = define_prng_impl(key_shape=(3,), seed=_only_drawing, split=_only_drawing, random_bits=_offset_bits,
                              fold_in=_only_drawing, name="threefry2x32 from an offset", tag="oneiros_offset")

_DRAWS: dict[str, Callable[..., Any]] = {
    "uniform": lambda key, dtype, minval, maxval: jax.random.uniform(key, (BLOCK,), dtype, minval, maxval),
    "normal": lambda key, dtype: jax.random.normal(key, (BLOCK,), dtype),
    "truncated_normal": lambda key, dtype, lower, upper: jax.random.truncated_normal(
        key, lower, upper, (BLOCK,), dtype),
}


@functools.partial(jax.jit, static_argnames=("draw", "dtype"))
def _block(key_data: Any, parameters: tuple, *, draw: str, dtype: Any) -> Any:
    return _DRAWS[draw](jax.random.wrap_key_data(key_data, impl=_AT_OFFSET), dtype, *parameters)


def blockable(key: Any, shape: tuple[int, ...], dtype: Any) -> bool:
    """Whether a draw of ``shape`` and ``dtype`` under ``key`` is eager and can be drawn in blocks
    (64-bit values draw two words per position: they take JAX's own path)."""
    return (not isinstance(key, jax.core.Tracer) and jax.config.jax_threefry_partitionable
            and np.dtype(dtype).itemsize * 8 in _UINT and math.prod(shape) <= LARGEST_BLOCKED)


def draw(name: str, key: Any, shape: tuple[int, ...], dtype: Any, *parameters: Any) -> Any:
    """``jax.random.<name>(key, *parameters, shape, dtype)`` as a host array, for a key that
    :func:`blockable` accepts; a traced array when the call is being traced all the same (a
    branch of an eager ``cond`` traces its function while the key is concrete)."""
    size = math.prod(shape)
    first, second = np.asarray(key, np.uint32)
    blocks = [_block(np.array([first, second, offset], np.uint32), parameters, draw=name, dtype=dtype)
              for offset in range(0, size, BLOCK)]
    if any(isinstance(block, jax.core.Tracer) for block in blocks):
        return jnp.concatenate(blocks)[:size].reshape(shape)
    values = np.concatenate([np.asarray(block) for block in blocks])[:size] if blocks else np.zeros(0, dtype)
    return values.reshape(shape)
