"""``STFT``: the initializer of convolution kernels that compute a short-time Fourier transform."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from oneiros import ops
from oneiros.initializers import Initializer

SIDES = ("real", "imag")
SCALINGS = ("density", "spectrum", None)


def _window_values(window: Any, frame_length: int, periodic: bool) -> np.ndarray:
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


def _window_norm(window: np.ndarray, scaling: str | None) -> float:
    if scaling == "density":
        return float(np.sqrt(np.sum(window ** 2)))
    if scaling == "spectrum":
        return float(np.sum(np.abs(window)))
    return 1.0


class STFT(Initializer):
    """Kernels of shape ``(frame_length, 1, fft_length // 2 + 1)`` holding the real or imaginary
    part of the windowed discrete Fourier basis, as Keras's ``STFTInitializer``.

    Example:
        >>> kernel = oi.initializers.STFT("real", "hann", "density")((128, 1, 65))

    Args:
        side: ``"real"`` (cosines) or ``"imag"`` (minus sines).
        window: a ``scipy.signal.get_window`` name, the window's values, or None.
        scaling: ``"density"`` divides by the window's L2 norm, ``"spectrum"`` by its L1 norm.
        periodic: use the periodic (DFT-even) form of a named window.
    """

    def __init__(self, side="real", window="hann", scaling="density", periodic=False):
        if side not in SIDES:
            raise ValueError(f"STFT: expected side in {SIDES}; received side={side!r}.")
        if scaling not in SCALINGS:
            raise ValueError(f"STFT: expected scaling in {SCALINGS}; received scaling={scaling!r}.")
        if isinstance(window, str):
            _window_values(window, 1, periodic)
        self.side, self.window, self.scaling, self.periodic = side, window, scaling, bool(periodic)

    def __call__(self, shape, dtype="float32"):
        if not isinstance(shape, (tuple, list)) or len(shape) != 3:
            raise ValueError(f"STFT: expected a shape (frame_length, channels, frequencies); "
                             f"received shape={shape!r}.")
        frame_length, _, frequencies = (int(size) for size in shape)
        time = np.arange(frame_length, dtype="float64").reshape(frame_length, 1, 1)
        frequency = np.arange(frequencies, dtype="float64").reshape(1, 1, frequencies)
        angle = -2.0 * math.pi * time * frequency / ((frequencies - 1) * 2)
        kernel = np.cos(angle) if self.side == "real" else np.sin(angle)
        if self.window is not None:
            window = _window_values(self.window, frame_length, self.periodic).reshape(frame_length, 1, 1)
            kernel = kernel * window / _window_norm(window, self.scaling)
        return ops.convert_to_tensor(np.broadcast_to(kernel, tuple(int(size) for size in shape)), dtype)

    def get_config(self):
        return {"side": self.side, "window": self.window, "periodic": self.periodic, "scaling": self.scaling}

