"""Fourier transforms with jax.numpy.fft, overriding the derived matrix-product definitions."""

from __future__ import annotations

import jax.numpy as jnp

from oneiros_jax._dtypes import to_float

__all__ = ["fft", "fft2", "ifft2", "irfft", "rfft"]


def _complex(x):
    if not isinstance(x, (tuple, list)) or len(x) != 2:
        raise ValueError(f"expected a (real, imag) pair of tensors; received {type(x).__name__}.")
    real, imag = (to_float(part) for part in x)
    if real.shape != imag.shape:
        raise ValueError(f"the real and imaginary parts differ in shape: {real.shape} and {imag.shape}.")
    return real + 1j * imag.astype(real.dtype), real.dtype


def _split(value, dtype):
    return jnp.real(value).astype(dtype), jnp.imag(value).astype(dtype)


def _at_least(value, ndim):
    if value.ndim < ndim:
        raise ValueError(f"expected tensors of ndim >= {ndim}; received shape {value.shape}.")
    return value


def fft(x):
    value, dtype = _complex(x)
    return _split(jnp.fft.fft(_at_least(value, 1), axis=-1), dtype)


def fft2(x):
    value, dtype = _complex(x)
    return _split(jnp.fft.fft2(_at_least(value, 2)), dtype)


def ifft2(x):
    value, dtype = _complex(x)
    return _split(jnp.fft.ifft2(_at_least(value, 2)), dtype)


def rfft(x, fft_length=None):
    real = _at_least(to_float(x), 1)
    return _split(jnp.fft.rfft(real, n=fft_length, axis=-1), real.dtype)


def irfft(x, fft_length=None):
    value, dtype = _complex(x)
    return jnp.fft.irfft(value, n=fft_length, axis=-1).astype(dtype)
