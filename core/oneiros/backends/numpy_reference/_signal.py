"""Fourier transforms with numpy.fft: the reference the derived (matrix-product) definitions of
the other backends are checked against."""

from __future__ import annotations

from typing import Any

import numpy as np

from oneiros.backends.numpy_reference._tensor import as_tensor, compute_dtype, finish, float_result

__all__ = ["fft", "fft2", "ifft2", "irfft", "rfft"]


def _complex(x: Any) -> tuple[np.ndarray, str]:
    if not isinstance(x, (tuple, list)) or len(x) != 2:
        raise ValueError(f"expected a (real, imag) pair of tensors; received {type(x).__name__}.")
    real, imag = (as_tensor(part) for part in x)
    if real.shape != imag.shape:
        raise ValueError(f"the real and imaginary parts differ in shape: {real.shape} and {imag.shape}.")
    name = float_result(real.dtype.name)
    return real.astype(compute_dtype(name)) + 1j * imag.astype(compute_dtype(name)), name


def _split(value: np.ndarray, name: str) -> tuple[np.ndarray, np.ndarray]:
    return finish(value.real, name), finish(value.imag, name)


def fft(x: Any) -> tuple[np.ndarray, np.ndarray]:
    value, name = _complex(x)
    if value.ndim < 1:
        raise ValueError("fft needs tensors of ndim >= 1; received scalars.")
    return _split(np.fft.fft(value, axis=-1), name)


def _two_dimensional(value: np.ndarray) -> np.ndarray:
    if value.ndim < 2:
        raise ValueError(f"expected tensors of ndim >= 2; received shape {value.shape}.")
    return value


def fft2(x: Any) -> tuple[np.ndarray, np.ndarray]:
    value, name = _complex(x)
    return _split(np.fft.fft2(_two_dimensional(value)), name)


def ifft2(x: Any) -> tuple[np.ndarray, np.ndarray]:
    value, name = _complex(x)
    return _split(np.fft.ifft2(_two_dimensional(value)), name)


def rfft(x: Any, fft_length: Any = None) -> tuple[np.ndarray, np.ndarray]:
    array = as_tensor(x)
    if array.ndim < 1:
        raise ValueError("rfft needs a tensor of ndim >= 1; received a scalar.")
    name = float_result(array.dtype.name)
    return _split(np.fft.rfft(array.astype(compute_dtype(name)), n=fft_length, axis=-1), name)


def irfft(x: Any, fft_length: Any = None) -> np.ndarray:
    value, name = _complex(x)
    return finish(np.fft.irfft(value, n=fft_length, axis=-1), name)
