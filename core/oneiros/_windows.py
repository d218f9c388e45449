"""Window functions for the short-time Fourier transform: the STFT initializer and MelSpectrogram use them."""

from __future__ import annotations

from typing import Any

import numpy as np


def window_values(window: Any, frame_length: int, periodic: bool) -> np.ndarray:
    if isinstance(window, str):
        # SciPy names every window Keras accepts ("hann", "hamming", "blackman"...); imported here so
        # the core needs it only when a named window is asked for.
        from scipy.signal import get_window

        return np.asarray(get_window(window, frame_length, fftbins=periodic), "float64")
    values = np.asarray(window, "float64")
    if values.shape != (frame_length,):
        raise ValueError(f"STFT: expected a window of shape ({frame_length},) (the frame length); "
                         f"received shape {values.shape}.")
    return values


def window_norm(window: np.ndarray, scaling: str | None) -> float:
    if scaling == "density":
        return float(np.sqrt(np.sum(window ** 2)))
    if scaling == "spectrum":
        return float(np.sum(np.abs(window)))
    return 1.0
