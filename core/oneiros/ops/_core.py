"""Ops that create, convert and inspect tensors."""

from __future__ import annotations

from oneiros.ops._contract import op

NOT_DIFF = {"differentiable": False}


@op("core", "an array-like of numbers or booleans and a supported dtype name", **NOT_DIFF)
def convert_to_tensor(x, dtype=None):
    """A backend tensor from ``x``. 64-bit inputs become 32-bit (see ``oneiros.dtypes``)."""


@op("core", "a backend tensor or array-like", **NOT_DIFF)
def to_numpy(x):
    """A numpy array holding the value of ``x``."""


@op("core", "any value", **NOT_DIFF)
def is_tensor(x):
    """True when ``x`` is this backend's tensor type."""


@op("core", "a tensor and a supported dtype name")
def cast(x, dtype):
    """``x`` converted to ``dtype`` (float to int truncates toward zero)."""


@op("core", "a tuple of non-negative ints and a supported dtype name", **NOT_DIFF)
def zeros(shape, dtype="float32"):
    """A tensor of zeros."""


@op("core", "a tuple of non-negative ints and a supported dtype name", **NOT_DIFF)
def ones(shape, dtype="float32"):
    """A tensor of ones."""


@op("core", "a tuple of non-negative ints, a scalar and a supported dtype name", **NOT_DIFF)
def full(shape, fill_value, dtype=None):
    """A tensor filled with ``fill_value`` (dtype inferred from it when None)."""


@op("core", "a tensor and a supported dtype name", **NOT_DIFF)
def zeros_like(x, dtype=None):
    """Zeros with the shape (and by default the dtype) of ``x``."""


@op("core", "a tensor and a supported dtype name", **NOT_DIFF)
def ones_like(x, dtype=None):
    """Ones with the shape (and by default the dtype) of ``x``."""


@op("core", "a tensor, a scalar and a supported dtype name", **NOT_DIFF)
def full_like(x, fill_value, dtype=None):
    """``fill_value`` with the shape (and by default the dtype) of ``x``."""


@op("core", "numbers start, stop, step (step != 0)", **NOT_DIFF)
def arange(start, stop=None, step=1, dtype=None):
    """Evenly spaced values in [start, stop), like ``numpy.arange``."""


@op("core", "ints n >= 0, m >= 0 or None, k", **NOT_DIFF)
def eye(n, m=None, k=0, dtype="float32"):
    """An n x m matrix with ones on diagonal ``k``."""


@op("core", "numbers start, stop and an int num >= 0", **NOT_DIFF)
def linspace(start, stop, num=50, endpoint=True, dtype="float32"):
    """``num`` evenly spaced values from start to stop."""


@op("core", "a tensor", **NOT_DIFF)
def shape(x):
    """The static shape of ``x`` as a tuple of ints."""


@op("core", "a tensor", **NOT_DIFF)
def dtype(x):
    """The dtype name of ``x``, e.g. ``"float32"``."""


@op("core", "a tensor")
def stop_gradient(x):
    """``x``, with gradients blocked."""
