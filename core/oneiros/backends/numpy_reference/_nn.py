"""Activations, softmax, one-hot encoding and moments.

Every activation is written in a form that stays finite for |x| ~ 1e4: exponentials only ever
see -|x|.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from oneiros.backends.numpy_reference._elementwise import erf_values
from oneiros.backends.numpy_reference._reduce import normalize_axis
from oneiros.backends.numpy_reference._tensor import (
    as_tensor,
    check_int,
    compute_dtype,
    finish,
    float_result,
    numpy_dtype,
    quiet,
)

__all__ = [
    "elu", "gelu", "hard_sigmoid", "hard_silu", "leaky_relu", "log_sigmoid", "log_softmax",
    "mish", "moments", "one_hot", "relu", "relu6", "selu", "sigmoid", "silu", "softmax",
    "softplus", "softsign",
]

SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


def _activation(fn: Callable[[np.ndarray], np.ndarray], x: Any) -> np.ndarray:
    array = as_tensor(x)
    name = float_result(array.dtype.name)
    with quiet():
        return finish(fn(array.astype(compute_dtype(name), copy=False)), name)


def _softplus(v: np.ndarray) -> np.ndarray:
    return np.maximum(v, 0) + np.log1p(np.exp(-np.abs(v)))


def _sigmoid(v: np.ndarray) -> np.ndarray:
    decay = np.exp(-np.abs(v))
    return np.where(v >= 0, 1 / (1 + decay), decay / (1 + decay))


def _hard_sigmoid(v: np.ndarray) -> np.ndarray:
    return np.clip(v / 6 + 0.5, 0, 1)


def _elu(v: np.ndarray, alpha: float) -> np.ndarray:
    return np.where(v > 0, v, alpha * np.expm1(np.minimum(v, 0)))


def relu(x: Any) -> np.ndarray:
    return _activation(lambda v: np.maximum(v, 0), x)


def relu6(x: Any) -> np.ndarray:
    return _activation(lambda v: np.clip(v, 0, 6), x)


def leaky_relu(x: Any, negative_slope: float = 0.2) -> np.ndarray:
    return _activation(lambda v: np.where(v >= 0, v, negative_slope * v), x)


def elu(x: Any, alpha: float = 1.0) -> np.ndarray:
    return _activation(lambda v: _elu(v, alpha), x)


def selu(x: Any) -> np.ndarray:
    return _activation(lambda v: SELU_SCALE * _elu(v, SELU_ALPHA), x)


def gelu(x: Any, approximate: bool = True) -> np.ndarray:
    if approximate:
        def fn(v: np.ndarray) -> np.ndarray:
            inner = math.sqrt(2 / math.pi) * (v + 0.044715 * v**3)
            return 0.5 * v * (1 + np.tanh(inner))
    else:
        def fn(v: np.ndarray) -> np.ndarray:
            return 0.5 * v * (1 + erf_values(v / math.sqrt(2)))
    return _activation(fn, x)


def silu(x: Any) -> np.ndarray:
    return _activation(lambda v: v * _sigmoid(v), x)


def softplus(x: Any) -> np.ndarray:
    return _activation(_softplus, x)


def softsign(x: Any) -> np.ndarray:
    return _activation(lambda v: v / (1 + np.abs(v)), x)


def sigmoid(x: Any) -> np.ndarray:
    return _activation(_sigmoid, x)


def hard_sigmoid(x: Any) -> np.ndarray:
    return _activation(_hard_sigmoid, x)


def hard_silu(x: Any) -> np.ndarray:
    return _activation(lambda v: v * _hard_sigmoid(v), x)


def log_sigmoid(x: Any) -> np.ndarray:
    return _activation(lambda v: np.minimum(v, 0) - np.log1p(np.exp(-np.abs(v))), x)


def mish(x: Any) -> np.ndarray:
    return _activation(lambda v: v * np.tanh(_softplus(v)), x)


def _shifted(v: np.ndarray, axis: Any) -> np.ndarray:
    return v - np.max(v, axis=normalize_axis(axis), keepdims=True)


def softmax(x: Any, axis: Any = -1) -> np.ndarray:
    def fn(v: np.ndarray) -> np.ndarray:
        weights = np.exp(_shifted(v, axis))
        return weights / np.sum(weights, axis=normalize_axis(axis), keepdims=True)

    return _activation(fn, x)


def log_softmax(x: Any, axis: Any = -1) -> np.ndarray:
    def fn(v: np.ndarray) -> np.ndarray:
        shifted = _shifted(v, axis)
        return shifted - np.log(np.sum(np.exp(shifted), axis=normalize_axis(axis), keepdims=True))

    return _activation(fn, x)


def one_hot(x: Any, num_classes: int, axis: int = -1, dtype: Any = "float32") -> np.ndarray:
    labels = as_tensor(x)
    check_int(labels, "one_hot input")
    if int(num_classes) < 1:
        raise ValueError(f"one_hot needs num_classes >= 1; received {num_classes}.")
    out_axis = int(axis)
    if not -labels.ndim - 1 <= out_axis <= labels.ndim:
        raise ValueError(
            f"one_hot axis must lie in [{-labels.ndim - 1}, {labels.ndim}] for an input of "
            f"shape {labels.shape}; received {axis}."
        )
    # Comparing with every class index leaves out-of-range labels (negatives too) all zeros.
    encoded = labels[..., np.newaxis] == np.arange(int(num_classes))
    return np.moveaxis(encoded, -1, out_axis).astype(numpy_dtype(dtype))


def moments(x: Any, axes: Any, keepdims: bool = False) -> tuple[np.ndarray, np.ndarray]:
    array = as_tensor(x)
    name = float_result(array.dtype.name)
    values = array.astype(compute_dtype(name), copy=False)
    axis = normalize_axis(axes)
    with quiet():
        mean = np.mean(values, axis=axis, keepdims=keepdims)
        variance = np.var(values, axis=axis, keepdims=keepdims)
    return finish(mean, name), finish(variance, name)
