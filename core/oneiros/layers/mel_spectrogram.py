"""MelSpectrogram: power spectrograms of signals on the mel scale, in decibels."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from oneiros import _windows, arguments, ops
from oneiros.layers.layer import Layer

MEL_BREAK_FREQUENCY_HERTZ = 700.0
MEL_HIGH_FREQUENCY_Q = 1127.0


class MelSpectrogram(Layer):
    """Keras 3's MelSpectrogram: the short-time Fourier transform of ``(batch, time)`` (or
    ``(time,)``) signals, centred (reflect padding of ``fft_length // 2``), framed every
    ``sequence_stride`` samples with a ``sequence_length`` window, its magnitude raised to
    ``mag_exp``, projected onto ``num_mel_bins`` triangular HTK mel filters between ``min_freq``
    and ``max_freq`` and, with ``power_to_db``, in decibels relative to ``ref_power`` clipped to
    ``top_db`` below the batch's maximum. Outputs are ``(batch, num_mel_bins, frames)``.

    The transform is a gather of frames and a product with the windowed DFT matrix, both
    constants, so it runs on every backend and inside compiled models; the layer has no weights.

    Example::

        layer = oi.layers.MelSpectrogram(num_mel_bins=64, sampling_rate=8000, sequence_stride=256,
                                         fft_length=2048)
        layer(np.zeros((2, 8000), "float32")).shape      # (2, 64, 32)
    """

    def __init__(self, fft_length: int = 2048, sequence_stride: int = 512, sequence_length: int | None = None,
                 window: Any = "hann", sampling_rate: int = 16000, num_mel_bins: int = 128,
                 min_freq: float = 20.0, max_freq: float | None = None, power_to_db: bool = True,
                 top_db: float = 80.0, mag_exp: float = 2.0, min_power: float = 1e-10, ref_power: float = 1.0,
                 **kwargs: Any):
        owner = type(self).__name__
        fft_length = arguments.positive_int(owner, "fft_length", fft_length)
        sequence_stride = arguments.positive_int(owner, "sequence_stride", sequence_stride)
        sequence_length = arguments.positive_int(owner, "sequence_length", sequence_length, optional=True) \
            or fft_length
        if fft_length < sequence_length:
            raise ValueError(f"{owner}: `fft_length` must be >= `sequence_length`; received fft_length={fft_length} "
                             f"and sequence_length={sequence_length}.")
        if isinstance(window, str) and window not in ("hann", "hamming"):
            raise ValueError(f"{owner}: argument `window` must be 'hann', 'hamming', None or the window's values; "
                             f"received window={window!r}.")
        window_values = None if window is None else _windows.window_values(window, sequence_length, True)
        sampling_rate = arguments.real(owner, "sampling_rate", sampling_rate, minimum=0.0, exclusive_minimum=True)
        num_mel_bins = arguments.positive_int(owner, "num_mel_bins", num_mel_bins)
        super().__init__(**kwargs)
        self.fft_length = fft_length
        self.sequence_stride = sequence_stride
        self.sequence_length = sequence_length
        self.window = list(window) if not isinstance(window, str) and window is not None else window
        self.sampling_rate = int(sampling_rate) if float(sampling_rate).is_integer() else sampling_rate
        self.num_mel_bins = num_mel_bins
        self.min_freq = min_freq
        self.max_freq = max_freq or int(sampling_rate / 2)
        self.power_to_db = bool(power_to_db)
        self.top_db = top_db
        self.mag_exp = mag_exp
        self.min_power = min_power
        self.ref_power = ref_power
        self._real_basis, self._imag_basis = _fourier_basis(window_values, sequence_length, fft_length)
        self._mel_matrix = linear_to_mel_weight_matrix(num_mel_bins, fft_length // 2 + 1, self.sampling_rate,
                                                       min_freq, self.max_freq)

    def call(self, inputs: Any) -> Any:
        dtype = self.compute_dtype if self.compute_dtype in ("float32", "float64") else "float32"
        signals = ops.cast(inputs, dtype)
        half = self.fft_length // 2
        width = [(0, 0)] * (len(ops.shape(signals)) - 1) + [(half, half)]
        padded = ops.pad(signals, width, mode="reflect")
        length = ops.shape(padded)[-1]
        frames_count = (length - self.fft_length) // self.sequence_stride + 1
        positions = (np.arange(frames_count)[:, None] * self.sequence_stride + np.arange(self.fft_length)[None, :])
        frames = ops.take(padded, ops.convert_to_tensor(positions.astype("int32"), "int32"), axis=-1)
        real = ops.matmul(frames, ops.convert_to_tensor(self._real_basis, dtype))
        imag = ops.matmul(frames, ops.convert_to_tensor(self._imag_basis, dtype))
        spectrum = ops.power(ops.sqrt(ops.add(ops.square(real), ops.square(imag))), self.mag_exp)
        mel = ops.tensordot(spectrum, ops.convert_to_tensor(self._mel_matrix, dtype), axes=1)
        if self.power_to_db:
            mel = self._decibels(mel)
        return ops.cast(ops.moveaxis(mel, -1, -2), self.compute_dtype)

    def _decibels(self, power: Any) -> Any:
        scale = 10.0 / math.log(10.0)
        decibels = ops.multiply(ops.log(ops.maximum(power, self.min_power)), scale)
        decibels = ops.subtract(decibels, 10.0 * math.log10(max(abs(self.ref_power), self.min_power)))
        return ops.maximum(decibels, ops.subtract(ops.max(decibels), self.top_db))

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        input_shape = tuple(input_shape)
        time = input_shape[-1]
        frames = None if time is None else (time + self.sequence_stride + 1) // self.sequence_stride
        return (*input_shape[:-1], self.num_mel_bins, frames)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "fft_length": self.fft_length, "sequence_stride": self.sequence_stride,
                "sequence_length": self.sequence_length, "window": self.window,
                "sampling_rate": self.sampling_rate, "num_mel_bins": self.num_mel_bins, "min_freq": self.min_freq,
                "max_freq": self.max_freq, "power_to_db": self.power_to_db, "top_db": self.top_db,
                "mag_exp": self.mag_exp, "min_power": self.min_power, "ref_power": self.ref_power}


def _fourier_basis(window: np.ndarray | None, sequence_length: int, fft_length: int) -> tuple[np.ndarray, np.ndarray]:
    """(fft_length, bins) real and imaginary DFT matrices with the window, zero-padded to
    ``fft_length`` and centred, folded in: ``frames @ real`` is the real part of ``rfft``."""
    left = (fft_length - sequence_length) // 2
    padded = np.zeros(fft_length)
    padded[left:left + sequence_length] = 1.0 if window is None else window
    time = np.arange(fft_length)[:, None]
    frequency = np.arange(fft_length // 2 + 1)[None, :]
    angle = 2.0 * math.pi * time * frequency / fft_length
    return padded[:, None] * np.cos(angle), -padded[:, None] * np.sin(angle)


def _hertz_to_mel(frequencies: np.ndarray) -> np.ndarray:
    return MEL_HIGH_FREQUENCY_Q * np.log(1.0 + frequencies / MEL_BREAK_FREQUENCY_HERTZ)


def linear_to_mel_weight_matrix(num_mel_bins: int, num_spectrogram_bins: int, sampling_rate: float,
                                lower_edge_hertz: float, upper_edge_hertz: float) -> np.ndarray:
    """(num_spectrogram_bins, num_mel_bins) triangular HTK filters with peaks of 1, computed in
    float32 as Keras computes them; the DC bin is zero."""
    linear = np.linspace(np.float32(0.0), np.float32(sampling_rate / 2.0), num_spectrogram_bins,
                         dtype="float32")[1:]
    bins_mel = _hertz_to_mel(linear)[:, None].astype("float32")
    edges = np.linspace(_hertz_to_mel(np.float32(lower_edge_hertz)), _hertz_to_mel(np.float32(upper_edge_hertz)),
                        num_mel_bins + 2, dtype="float32")
    lower, center, upper = edges[:-2][None, :], edges[1:-1][None, :], edges[2:][None, :]
    lower_slopes = (bins_mel - lower) / (center - lower)
    upper_slopes = (upper - bins_mel) / (upper - center)
    weights = np.maximum(np.float32(0.0), np.minimum(lower_slopes, upper_slopes))
    return np.pad(weights, [(1, 0), (0, 0)]).astype("float32")
