"""Fourier transforms and short-time spectra, with complex values as (real, imag) pairs like Keras.

Each transform is derived: a discrete Fourier transform is a product with cosine and sine matrices
(exact, differentiable, every backend has ``matmul``); backends with an FFT override it for speed.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from oneiros import ops
from oneiros.ops._contract import derived
from oneiros.ops._derive import floating

COMPLEX = "a (real, imag) pair of float tensors of the same shape"
WINDOWS = ("hann", "hamming")


def _pair(x: Any) -> tuple[Any, Any]:
    if not isinstance(x, (tuple, list)) or len(x) != 2:
        raise ValueError(f"expected a (real, imag) pair of tensors; received {type(x).__name__} {x!r:.80}.")
    real, imag = (floating(part) for part in x)
    if ops.shape(real) != ops.shape(imag):
        raise ValueError(f"the real and imaginary parts differ in shape: {ops.shape(real)} and "
                         f"{ops.shape(imag)}.")
    return real, imag


def _angles(rows: int, columns: int, length: int) -> np.ndarray:
    """2 pi k n / length for k < rows, n < columns, reduced mod length first for accuracy."""
    product = np.outer(np.arange(rows), np.arange(columns)) % length
    return 2 * np.pi * product / length


def _constant(values: np.ndarray, like: Any) -> Any:
    return ops.convert_to_tensor(values.astype(np.float32), ops.dtype(like))


def _transform_last(real: Any, imag: Any, inverse: bool) -> tuple[Any, Any]:
    length = ops.shape(real)[-1]
    angles = _angles(length, length, length)
    cosine, sine = _constant(np.cos(angles), real), _constant(np.sin(angles), real)
    if inverse:
        sine = ops.negative(sine)
    out_real = ops.add(ops.matmul(real, cosine), ops.matmul(imag, sine))
    out_imag = ops.subtract(ops.matmul(imag, cosine), ops.matmul(real, sine))
    if inverse:
        return ops.divide(out_real, float(length)), ops.divide(out_imag, float(length))
    return out_real, out_imag


def _transform_last_two(x: Any, inverse: bool) -> tuple[Any, Any]:
    real, imag = _pair(x)
    if len(ops.shape(real)) < 2:
        raise ValueError(f"expected tensors of ndim >= 2; received shape {ops.shape(real)}.")
    real, imag = _transform_last(real, imag, inverse)
    swapped = (ops.moveaxis(real, -1, -2), ops.moveaxis(imag, -1, -2))
    real, imag = _transform_last(*swapped, inverse)
    return ops.moveaxis(real, -1, -2), ops.moveaxis(imag, -1, -2)


def _fit_last(x: Any, length: int) -> Any:
    """``x`` cut or zero-padded on its last axis to ``length``."""
    size = ops.shape(x)[-1]
    if size >= length:
        return ops.take(x, ops.arange(length), axis=-1) if size > length else x
    return ops.pad(x, [(0, 0)] * (len(ops.shape(x)) - 1) + [(0, length - size)])


def _length(value: Any, what: str) -> int:
    if not isinstance(value, numbers.Integral) or value < 1:
        raise ValueError(f"{what} must be a positive int; received {value!r}.")
    return int(value)


@derived("signal", COMPLEX + " of ndim >= 1")
def fft(x):
    """The discrete Fourier transform along the last axis; returns (real, imag)."""
    real, imag = _pair(x)
    if len(ops.shape(real)) < 1:
        raise ValueError("fft needs tensors of ndim >= 1; received scalars.")
    return _transform_last(real, imag, inverse=False)


@derived("signal", COMPLEX + " of ndim >= 2")
def fft2(x):
    """The 2-D discrete Fourier transform over the last two axes; returns (real, imag)."""
    return _transform_last_two(x, inverse=False)


@derived("signal", COMPLEX + " of ndim >= 2")
def ifft2(x):
    """The inverse 2-D discrete Fourier transform over the last two axes (scaled by 1 / size)."""
    return _transform_last_two(x, inverse=True)


@derived("signal", "a real float tensor of ndim >= 1 and fft_length None or a positive int")
def rfft(x, fft_length=None):
    """The Fourier transform of real ``x`` along the last axis, cut or zero-padded to ``fft_length``:
    the fft_length // 2 + 1 non-negative frequencies as (real, imag)."""
    x = floating(x)
    if len(ops.shape(x)) < 1:
        raise ValueError("rfft needs a tensor of ndim >= 1; received a scalar.")
    length = ops.shape(x)[-1] if fft_length is None else _length(fft_length, "fft_length")
    angles = _angles(length, length // 2 + 1, length)
    x = _fit_last(x, length)
    return (ops.matmul(x, _constant(np.cos(angles), x)),
            ops.negative(ops.matmul(x, _constant(np.sin(angles), x))))


@derived("signal", COMPLEX + " of ndim >= 1 and fft_length None or a positive int")
def irfft(x, fft_length=None):
    """The real inverse of ``rfft``: fft_length (default 2 * (size - 1)) samples from the
    non-negative frequencies (cut or zero-padded to fft_length // 2 + 1; imaginary parts of the
    zero and Nyquist frequencies are ignored)."""
    real, imag = _pair(x)
    length = 2 * (ops.shape(real)[-1] - 1) if fft_length is None else _length(fft_length, "fft_length")
    if length < 1:
        raise ValueError(f"irfft needs fft_length >= 1; received a last axis of {ops.shape(real)[-1]} and "
                         f"fft_length={fft_length!r}.")
    bins = length // 2 + 1
    real, imag = _fit_last(real, bins), _fit_last(imag, bins)
    weights = np.full(bins, 2.0)
    weights[0] = 1.0
    if length % 2 == 0:
        weights[-1] = 1.0
    angles = _angles(bins, length, length)
    cosine = _constant(weights[:, None] * np.cos(angles) / length, real)
    sine = _constant(weights[:, None] * np.sin(angles) / length, real)
    return ops.subtract(ops.matmul(real, cosine), ops.matmul(imag, sine))


@derived("signal", "a float tensor (..., samples) with samples >= sequence_length, positive ints")
def extract_sequences(x, sequence_length, sequence_stride):
    """Frames of ``sequence_length`` samples every ``sequence_stride`` along the last axis:
    shape (..., 1 + (samples - sequence_length) // sequence_stride, sequence_length)."""
    length = _length(sequence_length, "sequence_length")
    stride = _length(sequence_stride, "sequence_stride")
    samples = ops.shape(x)[-1]
    if samples < length:
        raise ValueError(f"extract_sequences needs at least sequence_length={length} samples; received "
                         f"shape {ops.shape(x)}.")
    count = 1 + (samples - length) // stride
    indices = np.arange(count)[:, None] * stride + np.arange(length)[None, :]
    return ops.take(x, ops.convert_to_tensor(indices.astype(np.int32)), axis=-1)


def _window(window: Any, sequence_length: int, fft_length: int, like: Any) -> Any:
    """The window (periodic Hann/Hamming as scipy's get_window, given values, or None: ones)
    centred in fft_length samples."""
    if window is None:
        values = np.ones(fft_length)
    else:
        if isinstance(window, str):
            if window not in WINDOWS:
                raise ValueError(f"window must be one of {', '.join(WINDOWS)}, a tensor or None; received "
                                 f"{window!r}.")
            phase = 2 * np.pi * np.arange(sequence_length) / sequence_length
            values = 0.5 - 0.5 * np.cos(phase) if window == "hann" else 0.54 - 0.46 * np.cos(phase)
        else:
            values = np.asarray(ops.to_numpy(window) if ops.is_tensor(window) else window, np.float64)
            if values.shape != (sequence_length,):
                raise ValueError(f"window must have shape ({sequence_length},) (sequence_length); received "
                                 f"{values.shape}.")
        before = (fft_length - sequence_length) // 2
        values = np.pad(values, (before, fft_length - sequence_length - before))
    return values


def _frame_sizes(sequence_length: Any, sequence_stride: Any, fft_length: Any) -> tuple[int, int, int]:
    length = _length(sequence_length, "sequence_length")
    stride = _length(sequence_stride, "sequence_stride")
    size = _length(fft_length, "fft_length")
    if size < length:
        raise ValueError(f"fft_length must be >= sequence_length; received fft_length={size}, "
                         f"sequence_length={length}.")
    return length, stride, size


@derived("signal", "a float tensor (..., samples), positive sequence_length <= fft_length and sequence_stride")
def stft(x, sequence_length, sequence_stride, fft_length, window="hann", center=True):
    """Short-time Fourier transform: (real, imag) of shape (..., frames, fft_length // 2 + 1).

    Frames of fft_length samples every ``sequence_stride`` (after reflect-padding fft_length // 2
    on both sides when ``center``) times the window, transformed with ``rfft``, as Keras.
    """
    x = floating(x)
    length, stride, size = _frame_sizes(sequence_length, sequence_stride, fft_length)
    if center:
        x = _reflect_pad_last(x, size // 2)
    frames = extract_sequences(x, size, stride)
    windowed = ops.multiply(frames, _constant(_window(window, length, size, x), frames))
    return rfft(windowed, size)


def _reflect_pad_last(x: Any, amount: int) -> Any:
    samples = ops.shape(x)[-1]
    if amount >= samples:
        raise ValueError(f"center=True reflect-pads fft_length // 2 = {amount} samples, which needs more than "
                         f"{amount} samples; received shape {ops.shape(x)}.")
    indices = np.concatenate([np.arange(amount, 0, -1), np.arange(samples),
                              samples - 2 - np.arange(amount)])
    return ops.take(x, ops.convert_to_tensor(indices.astype(np.int32)), axis=-1)


@derived("signal", COMPLEX + " (..., frames, fft_length // 2 + 1) and the stft's frame arguments")
def istft(x, sequence_length, sequence_stride, fft_length, length=None, window="hann", center=True):
    """The inverse of ``stft``: windowed overlap-add of the frames' ``irfft``, divided by the
    overlap-added squared window where it is above 1e-10 (then by sequence_stride when
    ``window`` is None, as Keras); ``length`` samples after the centre padding, if given."""
    real, _ = _pair(x)
    frame_length, stride, size = _frame_sizes(sequence_length, sequence_stride, fft_length)
    frames = irfft(x, size)
    window_values = _window(window, frame_length, size, real)
    count = ops.shape(real)[-2]
    total = size + stride * (count - 1)
    # Overlap-add as one product: frame f's sample j lands on output sample f * stride + j.
    placement = np.zeros((count, size, total))
    for frame in range(count):
        placement[frame, np.arange(size), frame * stride + np.arange(size)] = 1.0
    weighted = ops.multiply(frames, _constant(window_values, frames))
    batch_shape = tuple(ops.shape(weighted)[:-2])
    flat = ops.reshape(weighted, (*batch_shape, count * size))
    summed = ops.matmul(flat, _constant(placement.reshape(count * size, total), flat))
    norm = np.einsum("fjt,j->t", placement, window_values**2)
    scale = np.where(norm > 1e-10, 1 / np.where(norm > 1e-10, norm, 1), 1.0)
    if window is None:
        scale = scale * size / stride
    signal = ops.multiply(summed, _constant(scale, summed))
    start = size // 2 if center else 0
    if length is not None:
        end = start + length
    else:
        end = total - size // 2 if center else total
    return ops.take(signal, ops.arange(start, end), axis=-1)
