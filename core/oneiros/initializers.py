"""Weight initializers with Keras 3 names, arguments and defaults, written in ``oneiros.ops``.

``initializer(shape, dtype="float32")`` returns a backend tensor. A random initializer given an
int ``seed`` returns the same tensor on every call (on one backend); with ``seed=None`` each
call draws a fresh seed from :mod:`oneiros.random_state`, so ``set_random_seed`` makes a whole
model's initial weights reproducible.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np

from oneiros import arguments, dtypes, ops, random_state
from oneiros._catalog import Catalog
from oneiros._windows import window_norm, window_values

__all__ = [
    "Constant", "GlorotNormal", "GlorotUniform", "HeNormal", "HeUniform", "Identity",
    "Initializer", "LecunNormal", "LecunUniform", "Ones", "Orthogonal", "RandomInitializer",
    "RandomNormal", "RandomUniform", "STFT", "STFTInitializer", "TruncatedNormal", "VarianceScaling", "Zeros",
    "IdentityInitializer", "OrthogonalInitializer", "constant", "glorot_normal", "glorot_uniform",
    "he_normal", "he_uniform", "identity", "lecun_normal", "lecun_uniform", "ones", "orthogonal",
    "random_normal", "random_uniform", "stft", "truncated_normal", "variance_scaling", "zeros",
    "compute_fans", "deserialize", "get", "names", "serialize",
]

# The standard deviation of a unit normal truncated to [-2, 2]: dividing by it gives the
# truncated samples the variance asked for.
TRUNCATED_NORMAL_STDDEV = 0.87962566103423978


def compute_fans(shape: Sequence[int], input_axes: Sequence[int] | None = None,
                 output_axes: Sequence[int] | None = None) -> tuple[int, int]:
    """(fan_in, fan_out) of a weight of ``shape``, as Keras computes them.

    A kernel (*spatial, in, out) counts every spatial position: fan_in = in * prod(spatial),
    fan_out = out * prod(spatial). ``input_axes``/``output_axes`` name the axes explicitly.
    """
    shape = tuple(shape)
    if input_axes is not None and output_axes is not None:
        return math.prod(shape[axis] for axis in input_axes), math.prod(shape[axis] for axis in output_axes)
    if not shape:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    receptive_field = math.prod(shape[:-2])
    return shape[-2] * receptive_field, shape[-1] * receptive_field


def _checked_shape(owner: str, shape: Any) -> tuple[int, ...]:
    if isinstance(shape, numbers.Integral) and not isinstance(shape, bool):
        shape = (shape,)
    if not isinstance(shape, (tuple, list)) or not all(
            isinstance(size, numbers.Integral) and not isinstance(size, bool) and size >= 0
            for size in shape):
        raise ValueError(f"{owner}: expected a shape (a tuple of non-negative ints); "
                         f"received shape={shape!r}.")
    return tuple(int(size) for size in shape)


def _checked_dtype(owner: str, dtype: Any, *, float_only: bool) -> str:
    name = dtypes.DEFAULT_FLOAT if dtype is None else dtypes.name_of(dtype)
    if float_only and not dtypes.is_float(name):
        raise ValueError(f"{owner}: expected a float dtype ({', '.join(dtypes.FLOATS)}); "
                         f"received dtype={name!r}.")
    return name


class Initializer:
    """Base class: ``__call__(shape, dtype)`` makes a tensor; the config rebuilds the object."""

    def __call__(self, shape: Sequence[int], dtype: Any = "float32") -> Any:
        raise NotImplementedError(f"{type(self).__name__} does not implement __call__.")

    def get_config(self) -> dict[str, Any]:
        return {}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Initializer:
        return cls(**config)

    def __repr__(self) -> str:
        shown = ", ".join(f"{key}={value!r}" for key, value in self.get_config().items())
        return f"{type(self).__name__}({shown})"


class Zeros(Initializer):
    """All zeros."""

    def __call__(self, shape, dtype="float32"):
        shape = _checked_shape("Zeros", shape)
        return ops.zeros(shape, _checked_dtype("Zeros", dtype, float_only=False))


class Ones(Initializer):
    """All ones."""

    def __call__(self, shape, dtype="float32"):
        shape = _checked_shape("Ones", shape)
        return ops.ones(shape, _checked_dtype("Ones", dtype, float_only=False))


class Constant(Initializer):
    """Every element equal to the scalar ``value``."""

    def __init__(self, value=0.0):
        self.value = arguments.real("Constant", "value", value)

    def __call__(self, shape, dtype="float32"):
        shape = _checked_shape("Constant", shape)
        return ops.full(shape, self.value, _checked_dtype("Constant", dtype, float_only=False))

    def get_config(self):
        return {"value": self.value}


class Identity(Initializer):
    """``gain`` times the identity matrix (2-D shapes only; rectangular ones allowed)."""

    def __init__(self, gain=1.0):
        self.gain = arguments.real("Identity", "gain", gain)

    def __call__(self, shape, dtype="float32"):
        shape = _checked_shape("Identity", shape)
        if len(shape) != 2:
            raise ValueError(f"Identity: expected a 2-D shape; received shape={shape}.")
        dtype = _checked_dtype("Identity", dtype, float_only=True)
        return ops.multiply(ops.eye(shape[0], shape[1], dtype=dtype), self.gain)

    def get_config(self):
        return {"gain": self.gain}


class RandomInitializer(Initializer):
    """Base class of the random initializers: holds the seed and draws one when it is None."""

    def __init__(self, seed=None):
        self.seed = arguments.seed(type(self).__name__, seed)

    def _call_seed(self) -> int:
        return random_state.next_seed() if self.seed is None else self.seed

    def get_config(self):
        return {"seed": self.seed}


class RandomUniform(RandomInitializer):
    """Uniform samples in [minval, maxval)."""

    def __init__(self, minval=-0.05, maxval=0.05, seed=None):
        owner = "RandomUniform"
        minval = arguments.real(owner, "minval", minval)
        self.maxval = arguments.real(owner, "maxval", maxval, minimum=minval, exclusive_minimum=True)
        self.minval = minval
        super().__init__(seed)

    def __call__(self, shape, dtype="float32"):
        shape = _checked_shape("RandomUniform", shape)
        dtype = _checked_dtype("RandomUniform", dtype, float_only=True)
        return ops.uniform(shape, self.minval, self.maxval, dtype, self._call_seed())

    def get_config(self):
        return {"minval": self.minval, "maxval": self.maxval, **super().get_config()}


class RandomNormal(RandomInitializer):
    """Normal samples with ``mean`` and ``stddev``."""

    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        owner = type(self).__name__
        self.mean = arguments.real(owner, "mean", mean)
        self.stddev = arguments.real(owner, "stddev", stddev, minimum=0.0)
        super().__init__(seed)

    def __call__(self, shape, dtype="float32"):
        owner = type(self).__name__
        shape = _checked_shape(owner, shape)
        dtype = _checked_dtype(owner, dtype, float_only=True)
        return ops.normal(shape, self.mean, self.stddev, dtype, self._call_seed())

    def get_config(self):
        return {"mean": self.mean, "stddev": self.stddev, **super().get_config()}


class TruncatedNormal(RandomNormal):
    """Normal samples with ``mean`` and ``stddev``, redrawn beyond two standard deviations."""

    def __call__(self, shape, dtype="float32"):
        shape = _checked_shape("TruncatedNormal", shape)
        dtype = _checked_dtype("TruncatedNormal", dtype, float_only=True)
        return ops.truncated_normal(shape, self.mean, self.stddev, dtype, self._call_seed())


VARIANCE_MODES = ("fan_in", "fan_out", "fan_avg")
VARIANCE_DISTRIBUTIONS = ("truncated_normal", "untruncated_normal", "uniform")


class VarianceScaling(RandomInitializer):
    """Samples of variance ``scale / n``, n = fan_in, fan_out or their mean (``mode``).

    ``distribution`` "truncated_normal" (std sqrt(scale / n) / 0.8796..., cut at two std),
    "untruncated_normal" (std sqrt(scale / n)) or "uniform" (limits +-sqrt(3 * scale / n));
    "normal" means "truncated_normal", as in Keras.
    """

    def __init__(self, scale=1.0, mode="fan_in", distribution="truncated_normal", seed=None,
                 input_axes=None, output_axes=None):
        owner = type(self).__name__
        scale = arguments.real(owner, "scale", scale, minimum=0.0, exclusive_minimum=True)
        mode = arguments.choice(owner, "mode", mode, VARIANCE_MODES)
        if isinstance(distribution, str):
            distribution = distribution.lower()
        if distribution == "normal":
            distribution = "truncated_normal"
        distribution = arguments.choice(owner, "distribution", distribution, VARIANCE_DISTRIBUTIONS)
        input_axes = arguments.axes(owner, "input_axes", input_axes, optional=True)
        output_axes = arguments.axes(owner, "output_axes", output_axes, optional=True)
        if (input_axes is None) != (output_axes is None):
            raise ValueError(f"{owner}: give both `input_axes` and `output_axes` or neither; "
                             f"received input_axes={input_axes!r}, output_axes={output_axes!r}.")
        super().__init__(seed)
        self.scale, self.mode, self.distribution = scale, mode, distribution
        self.input_axes = (input_axes,) if isinstance(input_axes, int) else input_axes
        self.output_axes = (output_axes,) if isinstance(output_axes, int) else output_axes

    def __call__(self, shape, dtype="float32"):
        owner = type(self).__name__
        shape = _checked_shape(owner, shape)
        dtype = _checked_dtype(owner, dtype, float_only=True)
        variance = self.scale / max(1.0, self._fan(shape))
        seed = self._call_seed()
        if self.distribution == "truncated_normal":
            stddev = math.sqrt(variance) / TRUNCATED_NORMAL_STDDEV
            return ops.truncated_normal(shape, 0.0, stddev, dtype, seed)
        if self.distribution == "untruncated_normal":
            return ops.normal(shape, 0.0, math.sqrt(variance), dtype, seed)
        limit = math.sqrt(3.0 * variance)
        return ops.uniform(shape, -limit, limit, dtype, seed)

    def _fan(self, shape: tuple[int, ...]) -> float:
        fan_in, fan_out = compute_fans(shape, self.input_axes, self.output_axes)
        return {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2.0}[self.mode]

    def get_config(self):
        return {"scale": self.scale, "mode": self.mode, "distribution": self.distribution,
                **super().get_config(), **self._axes_config()}

    def _axes_config(self) -> dict[str, Any]:
        return {"input_axes": arguments.config_axes(self.input_axes),
                "output_axes": arguments.config_axes(self.output_axes)}


class _FixedVarianceScaling(VarianceScaling):
    """A VarianceScaling preset: only the seed and the fan axes are arguments."""

    SCALE: float
    MODE: str
    DISTRIBUTION: str

    def __init__(self, seed=None, input_axes=None, output_axes=None):
        super().__init__(self.SCALE, self.MODE, self.DISTRIBUTION, seed, input_axes, output_axes)

    def get_config(self):
        return {"seed": self.seed, **self._axes_config()}


class GlorotUniform(_FixedVarianceScaling):
    """Uniform in +-sqrt(6 / (fan_in + fan_out)) (Glorot & Bengio, 2010)."""

    SCALE, MODE, DISTRIBUTION = 1.0, "fan_avg", "uniform"


class GlorotNormal(_FixedVarianceScaling):
    """Truncated normal of variance 2 / (fan_in + fan_out)."""

    SCALE, MODE, DISTRIBUTION = 1.0, "fan_avg", "truncated_normal"


class HeUniform(_FixedVarianceScaling):
    """Uniform in +-sqrt(6 / fan_in) (He et al., 2015)."""

    SCALE, MODE, DISTRIBUTION = 2.0, "fan_in", "uniform"


class HeNormal(_FixedVarianceScaling):
    """Truncated normal of variance 2 / fan_in."""

    SCALE, MODE, DISTRIBUTION = 2.0, "fan_in", "truncated_normal"


class LecunUniform(_FixedVarianceScaling):
    """Uniform in +-sqrt(3 / fan_in)."""

    SCALE, MODE, DISTRIBUTION = 1.0, "fan_in", "uniform"


class LecunNormal(_FixedVarianceScaling):
    """Truncated normal of variance 1 / fan_in (pairs with selu)."""

    SCALE, MODE, DISTRIBUTION = 1.0, "fan_in", "truncated_normal"


class Orthogonal(RandomInitializer):
    """``gain`` times a random orthogonal matrix (Saxe et al., 2014), reshaped to ``shape``.

    The shape is flattened to (prod(shape[:-1]), shape[-1]); the result has orthonormal columns
    when there are at least as many rows, else orthonormal rows. The matrix is the Q of the QR
    decomposition of a Gaussian matrix with R's diagonal made positive, as in Keras, so it is
    uniformly (Haar) distributed.
    """

    def __init__(self, gain=1.0, seed=None):
        self.gain = arguments.real("Orthogonal", "gain", gain)
        super().__init__(seed)

    def __call__(self, shape, dtype="float32"):
        shape = _checked_shape("Orthogonal", shape)
        if len(shape) < 2:
            raise ValueError(f"Orthogonal: expected a shape of at least 2 dimensions; "
                             f"received shape={shape}.")
        dtype = _checked_dtype("Orthogonal", dtype, float_only=True)
        rows, columns = math.prod(shape[:-1]), shape[-1]
        # Computed in float32 whatever the dtype: orthogonalization in 16 bits loses too much.
        gaussian = ops.normal((max(rows, columns), min(rows, columns)), 0.0, 1.0, "float32",
                              self._call_seed())
        matrix = _orthonormal_columns(gaussian)
        if rows < columns:
            matrix = ops.transpose(matrix)
        return ops.cast(ops.multiply(ops.reshape(matrix, shape), self.gain), dtype)

    def get_config(self):
        return {"gain": self.gain, **super().get_config()}


def _orthonormal_columns(matrix: Any) -> Any:
    """The Q of ``matrix = Q R`` with diag(R) > 0, by Gram-Schmidt with reorthogonalization.

    QR is not an op, so this builds Q column by column in ``ops.fori_loop``; projecting out the
    earlier columns twice keeps Q orthogonal to float32 precision ("twice is enough").
    """
    _, basis = ops.fori_loop(0, ops.shape(matrix)[1], _add_column,
                             (matrix, ops.zeros(tuple(ops.shape(matrix)), "float32")))
    return basis


def _add_column(index: Any, carry: tuple[Any, Any]) -> tuple[Any, Any]:
    # A module-level body with the matrix in the carry lets JAX reuse the compiled loop across
    # calls of the same shape (a closure would be traced and compiled afresh every call).
    matrix, basis = carry
    column = ops.take(matrix, index, axis=1)
    for _ in range(2):
        column = ops.subtract(column, ops.matmul(basis, ops.matmul(ops.transpose(basis), column)))
    column = ops.divide(column, ops.norm(column))
    selector = ops.one_hot(ops.convert_to_tensor(index, "int32"), ops.shape(matrix)[1], dtype="float32")
    return matrix, ops.add(basis, ops.multiply(ops.expand_dims(column, 1), ops.expand_dims(selector, 0)))


STFT_SIDES = ("real", "imag")
STFT_SCALINGS = ("density", "spectrum", None)


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
        if side not in STFT_SIDES:
            raise ValueError(f"STFT: expected side in {STFT_SIDES}; received side={side!r}.")
        if scaling not in STFT_SCALINGS:
            raise ValueError(f"STFT: expected scaling in {STFT_SCALINGS}; received scaling={scaling!r}.")
        if isinstance(window, str):
            window_values(window, 1, periodic)
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
            window = window_values(self.window, frame_length, self.periodic).reshape(frame_length, 1, 1)
            kernel = kernel * window / window_norm(window, self.scaling)
        return ops.convert_to_tensor(np.broadcast_to(kernel, tuple(int(size) for size in shape)), dtype)

    def get_config(self):
        return {"side": self.side, "window": self.window, "periodic": self.periodic, "scaling": self.scaling}


_CATALOG = Catalog("initializer", Initializer, {
    "zeros": Zeros, "ones": Ones, "constant": Constant, "identity": Identity,
    "random_uniform": RandomUniform, "random_normal": RandomNormal,
    "truncated_normal": TruncatedNormal, "variance_scaling": VarianceScaling,
    "glorot_uniform": GlorotUniform, "glorot_normal": GlorotNormal,
    "he_uniform": HeUniform, "he_normal": HeNormal,
    "lecun_uniform": LecunUniform, "lecun_normal": LecunNormal, "orthogonal": Orthogonal,
    # Keras's aliases, kept so configs written for Keras resolve.
    "zero": Zeros, "one": Ones, "normal": RandomNormal, "uniform": RandomUniform,
    "IdentityInitializer": Identity, "OrthogonalInitializer": Orthogonal,
    "stft": STFT, "STFTInitializer": STFT,
})

# Keras exposes every snake_case name and the long class aliases as the classes themselves.
zeros, ones, constant, identity = Zeros, Ones, Constant, Identity
random_uniform, random_normal, truncated_normal = RandomUniform, RandomNormal, TruncatedNormal
variance_scaling, orthogonal, stft = VarianceScaling, Orthogonal, STFT
glorot_uniform, glorot_normal, he_uniform, he_normal = GlorotUniform, GlorotNormal, HeUniform, HeNormal
lecun_uniform, lecun_normal = LecunUniform, LecunNormal
IdentityInitializer, OrthogonalInitializer, STFTInitializer = Identity, Orthogonal, STFT

get = _CATALOG.get
serialize = _CATALOG.serialize
deserialize = _CATALOG.deserialize
names = _CATALOG.names
