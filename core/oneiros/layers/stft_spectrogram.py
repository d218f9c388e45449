"""STFTSpectrogram: short-time Fourier transforms of signals as strided convolutions."""

from __future__ import annotations

import math
import numbers
import warnings
from typing import Any

from oneiros import arguments, initializers, ops
from oneiros.backend._keras_settings import EPSILON
from oneiros.layers.layer import InputSpec, Layer

MODES = ("log", "magnitude", "psd", "real", "imag", "angle", "stft")


class STFTSpectrogram(Layer):
    """The spectrogram of each channel of ``(batch, time, channels)`` signals (Keras 3's layer,
    arguments and weights): frames of ``frame_length`` samples every ``frame_step`` are convolved
    with the kernels ``real_kernel`` and ``imag_kernel`` ``(frame_length, 1, fft_length // 2 + 1)``,
    initialized by ``initializers.STFT`` to the windowed Fourier basis (trainable unless
    ``trainable=False``).

    ``mode``: ``"log"`` (log magnitude), ``"magnitude"``, ``"psd"`` (power, the inner bins
    doubled), ``"real"``, ``"imag"``, ``"angle"`` or ``"stft"`` (real and imaginary parts side
    by side). Outputs are ``(batch, frames, channels * bins)``, or with ``expand_dims=True``
    ``(batch, frames, bins, channels)`` (channels-first layouts swap as in Keras).

    Example::

        layer = oi.layers.STFTSpectrogram(frame_length=256, frame_step=128, fft_length=512)
        layer(np.zeros((3, 16000, 1), "float32")).shape       # (3, 124, 257)
    """

    def __init__(self, mode: str = "log", frame_length: int = 256, frame_step: int | None = None,
                 fft_length: int | None = None, window: Any = "hann", periodic: bool = False,
                 scaling: str | None = "density", padding: str = "valid", expand_dims: bool = False,
                 data_format: str | None = None, **kwargs: Any):
        owner = type(self).__name__
        arguments.choice(owner, "mode", mode, MODES)
        frame_length = arguments.positive_int(owner, "frame_length", frame_length)
        if frame_step is not None and (not _is_int(frame_step) or not 1 <= frame_step <= frame_length):
            raise ValueError(f"{owner}: argument `frame_step` must be None or an int in [1, frame_length="
                             f"{frame_length}]; received frame_step={frame_step!r}.")
        if fft_length is not None and (not _is_int(fft_length) or fft_length < frame_length):
            raise ValueError(f"{owner}: argument `fft_length` must be None or an int >= frame_length={frame_length}; "
                             f"received fft_length={fft_length!r}.")
        if fft_length is not None and fft_length & (fft_length - 1):
            warnings.warn(f"{owner}: `fft_length` is best a power of two; received fft_length={fft_length}.",
                          UserWarning, stacklevel=2)
        if scaling not in ("density", "spectrum", None):
            raise ValueError(f"{owner}: argument `scaling` must be 'density', 'spectrum' or None; received "
                             f"scaling={scaling!r}.")
        arguments.choice(owner, "padding", padding, ("valid", "same"))
        data_format = arguments.choice(owner, "data_format", data_format or "channels_last",
                                        ("channels_last", "channels_first"))
        initializers.STFT("real", window, scaling, periodic)  # refuses an unknown window name now
        super().__init__(**kwargs)
        self.mode = mode
        self.frame_length = frame_length
        self.frame_step = frame_step
        self.fft_length = fft_length
        self._frame_step = frame_step or frame_length // 2
        self._fft_length = fft_length or 2 ** int(math.ceil(math.log2(frame_length)))
        self.window = list(window) if not isinstance(window, str) and window is not None else window
        self.periodic = bool(periodic)
        self.scaling = scaling
        self.padding = padding
        self.expand_dims = bool(expand_dims)
        self.data_format = data_format
        self.input_spec = InputSpec(ndim=3)

    def build(self, input_shape: tuple) -> None:
        shape = (self.frame_length, 1, self._fft_length // 2 + 1)
        self.real_kernel = self.imag_kernel = None
        if self.mode != "imag":
            self.real_kernel = self.add_weight(
                shape=shape, initializer=initializers.STFT("real", self.window, self.scaling, self.periodic),
                name="real_kernel")
        if self.mode != "real":
            self.imag_kernel = self.add_weight(
                shape=shape, initializer=initializers.STFT("imag", self.window, self.scaling, self.periodic),
                name="imag_kernel")

    def _transform(self, signals: Any, kernel: Any) -> Any:
        """(batch, channels, bins, frames): each channel convolved alone with ``kernel``."""
        shape = tuple(ops.shape(signals))
        if self.data_format == "channels_last":
            channels, time = shape[2], shape[1]
            columns = ops.reshape(ops.transpose(signals, (0, 2, 1)), (-1, time, 1))
        else:
            channels, time = shape[1], shape[2]
            columns = ops.reshape(signals, (-1, 1, time))
        outputs = ops.conv(columns, ops.cast(kernel.value, ops.dtype(signals)), strides=self._frame_step,
                           padding=self.padding, data_format=self.data_format)
        if self.data_format == "channels_last":
            outputs = ops.transpose(outputs, (0, 2, 1))
        bins, frames = tuple(ops.shape(outputs))[1:]
        return ops.reshape(outputs, (-1, channels, bins, frames))

    def _layout(self, outputs: Any) -> Any:
        _, channels, bins, frames = tuple(ops.shape(outputs))
        if self.expand_dims:
            return ops.transpose(outputs, (0, 3, 2, 1) if self.data_format == "channels_last" else (0, 1, 3, 2))
        outputs = ops.reshape(outputs, (-1, channels * bins, frames))
        return ops.transpose(outputs, (0, 2, 1)) if self.data_format == "channels_last" else outputs

    def call(self, inputs: Any) -> Any:
        dtype = ops.dtype(inputs)
        if dtype not in ("float16", "float32", "float64"):
            raise TypeError(f"{type(self).__name__} {self.name!r} takes float16, float32 or float64 signals; "
                            f"received {dtype}.")
        real = None if self.real_kernel is None else self._transform(inputs, self.real_kernel)
        imag = None if self.imag_kernel is None else self._transform(inputs, self.imag_kernel)
        if self.mode == "real":
            return self._layout(real)
        if self.mode == "imag":
            return self._layout(imag)
        if self.mode == "angle":
            return self._layout(ops.arctan2(imag, real))
        if self.mode == "stft":
            return self._layout(ops.concatenate([real, imag], axis=2))
        power = ops.add(ops.square(real), ops.square(imag))
        if self.mode == "psd":
            batch, channels, bins, frames = tuple(ops.shape(power))
            inner = ops.slice(power, (0, 0, 1, 0), (batch, channels, bins - 2, frames))
            inner = ops.pad(inner, [(0, 0), (0, 0), (1, 1), (0, 0)])
            return self._layout(ops.add(power, inner))
        magnitude = self._layout(ops.sqrt(ops.maximum(power, EPSILON)))
        return magnitude if self.mode == "magnitude" else ops.log(ops.maximum(magnitude, EPSILON))

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        batch, *rest = tuple(input_shape)
        time, channels = rest if self.data_format == "channels_last" else rest[::-1]
        bins = (self._fft_length // 2 + 1) * (2 if self.mode == "stft" else 1)
        frames = None
        if time is not None:
            frames = (time - self.frame_length) // self._frame_step + 1 if self.padding == "valid" \
                else -(-time // self._frame_step)
        if self.expand_dims:
            return (batch, frames, bins, channels) if self.data_format == "channels_last" \
                else (batch, channels, frames, bins)
        width = None if channels is None else channels * bins
        return (batch, frames, width) if self.data_format == "channels_last" else (batch, width, frames)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "mode": self.mode, "frame_length": self.frame_length,
                "frame_step": self.frame_step, "fft_length": self.fft_length, "window": self.window,
                "periodic": self.periodic, "scaling": self.scaling, "padding": self.padding,
                "data_format": self.data_format, "expand_dims": self.expand_dims}


def _is_int(value: Any) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)
