"""Cases for the Fourier transforms and short-time spectra; complex values are (real, imag) pairs."""

from __future__ import annotations

import numpy as np

from oneiros.testing.conformance._case import call, case
from oneiros.testing.conformance._data import normal


def _pair(r: np.random.Generator, shape: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
    return normal(r, shape), normal(r, shape)


FRAMES = {"sequence_length": 8, "sequence_stride": 4, "fft_length": 8}

CASES = [
    case("fft", "batched-6", lambda r: call(_pair(r, (2, 6))), wrt=(0,), jit=True, atol=1e-5),
    case("fft", "length-1", lambda r: call(_pair(r, (3, 1)))),
    case("fft2", "3x4", lambda r: call(_pair(r, (2, 3, 4))), wrt=(0,), atol=1e-5),
    case("ifft2", "4x3", lambda r: call(_pair(r, (4, 3))), wrt=(0,), atol=1e-5),
    case("rfft", "even", lambda r: call(normal(r, (2, 8))), wrt=(0,), jit=True, atol=1e-5),
    case("rfft", "odd-padded", lambda r: call(normal(r, (3, 5)), 7), wrt=(0,), atol=1e-5),
    case("rfft", "cut", lambda r: call(normal(r, (6,)), fft_length=4), atol=1e-5),
    case("irfft", "default-length", lambda r: call(_pair(r, (2, 5))), wrt=(0,), atol=1e-5),
    case("irfft", "odd-length", lambda r: call(_pair(r, (5,)), 9), wrt=(0,), atol=1e-5),
    case("extract_sequences", "stride3", lambda r: call(normal(r, (2, 11)), 4, 3), wrt=(0,), jit=True),
    case("stft", "hann-centered", lambda r: call(normal(r, (2, 32)), **FRAMES), wrt=(0,), atol=1e-5),
    case("stft", "hamming-padded-fft", lambda r: call(normal(r, (20,)), 6, 3, 10, window="hamming", center=False),
         atol=1e-5),
    case("istft", "hann-centered",
         lambda r: call(_pair(r, (2, 9, 5)), **FRAMES), wrt=(0,), atol=1e-5),
    case("istft", "no-window-length", lambda r: call(_pair(r, (7, 5)), 8, 4, 8, length=20, window=None), atol=1e-5),
]
