"""Activations, softmax, one-hot encoding and moments as PyTensor graphs.

The activations use PyTensor's numerically stable scalar ops (sigmoid, softplus) and softmax
ops, which its rewrites and gradients know.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytensor.tensor as pt
from pytensor.tensor.special import log_softmax as pt_log_softmax
from pytensor.tensor.special import softmax as pt_softmax

from oneiros_pytensor._graph import graph_op
from oneiros_pytensor._tensors import as_float, axes_tuple, compute_name, dtype_name, finish, tensor

__all__ = [
    "elu", "gelu", "hard_sigmoid", "hard_silu", "leaky_relu", "log_sigmoid", "log_softmax",
    "mish", "moments", "one_hot", "relu", "relu6", "selu", "sigmoid", "silu", "softmax",
    "softplus", "softsign",
]

SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


def _on_floats(x: Any, fn) -> Any:
    x = as_float(x)
    return finish(fn(finish(x, compute_name(x.dtype))), x.dtype)


def _hard_sigmoid(v: Any) -> Any:
    return pt.clip(v / 6 + 0.5, 0, 1)


def _elu(v: Any, alpha: float) -> Any:
    return pt.switch(pt.gt(v, 0), v, alpha * pt.expm1(pt.minimum(v, 0)))


@graph_op
def relu(x):
    return _on_floats(x, lambda v: pt.maximum(v, 0))


@graph_op
def relu6(x):
    return _on_floats(x, lambda v: pt.clip(v, 0, 6))


@graph_op
def leaky_relu(x, negative_slope=0.2):
    return _on_floats(x, lambda v: pt.switch(pt.ge(v, 0), v, negative_slope * v))


@graph_op
def elu(x, alpha=1.0):
    return _on_floats(x, lambda v: _elu(v, alpha))


@graph_op
def selu(x):
    return _on_floats(x, lambda v: SELU_SCALE * _elu(v, SELU_ALPHA))


@graph_op
def gelu(x, approximate=True):
    if approximate:
        def fn(v: Any) -> Any:
            return 0.5 * v * (1 + pt.tanh(math.sqrt(2 / math.pi) * (v + 0.044715 * v**3)))
    else:
        def fn(v: Any) -> Any:
            return 0.5 * v * (1 + pt.erf(v / math.sqrt(2)))
    return _on_floats(x, fn)


@graph_op
def silu(x):
    return _on_floats(x, lambda v: v * pt.sigmoid(v))


@graph_op
def softplus(x):
    return _on_floats(x, pt.softplus)


@graph_op
def softsign(x):
    return _on_floats(x, lambda v: v / (1 + pt.abs(v)))


@graph_op
def sigmoid(x):
    return _on_floats(x, pt.sigmoid)


@graph_op
def hard_sigmoid(x):
    return _on_floats(x, _hard_sigmoid)


@graph_op
def hard_silu(x):
    return _on_floats(x, lambda v: v * _hard_sigmoid(v))


@graph_op
def log_sigmoid(x):
    return _on_floats(x, lambda v: -pt.softplus(-v))


@graph_op
def mish(x):
    return _on_floats(x, lambda v: v * pt.tanh(pt.softplus(v)))


@graph_op
def softmax(x, axis=-1):
    x = as_float(x)
    axes = axes_tuple(axis, x.ndim)
    return _on_floats(x, lambda v: pt_softmax(v, axis=axes if len(axes) > 1 else axes[0]))


@graph_op
def log_softmax(x, axis=-1):
    x = as_float(x)
    axes = axes_tuple(axis, x.ndim)
    return _on_floats(x, lambda v: pt_log_softmax(v, axis=axes if len(axes) > 1 else axes[0]))


@graph_op
def one_hot(x, num_classes, axis=-1, dtype="float32"):
    labels = tensor(x)
    if labels.dtype not in ("int8", "int16", "int32", "uint8", "uint16", "uint32"):
        raise TypeError(f"one_hot needs integer labels; received {labels.dtype}.")
    if int(num_classes) < 1:
        raise ValueError(f"one_hot needs num_classes >= 1; received {num_classes}.")
    out_axis = int(axis)
    if not -labels.ndim - 1 <= out_axis <= labels.ndim:
        raise ValueError(f"one_hot axis must lie in [{-labels.ndim - 1}, {labels.ndim}] for an input of ndim "
                         f"{labels.ndim}; received {axis}.")
    # Comparing with every class index leaves out-of-range labels (negatives too) all zeros.
    encoded = pt.eq(pt.shape_padright(labels), np.arange(int(num_classes), dtype="int32"))
    return pt.cast(pt.moveaxis(encoded, -1, out_axis), dtype_name(dtype))


@graph_op
def moments(x, axes, keepdims=False):
    x = as_float(x)
    reduced = axes_tuple(axes, x.ndim)
    values = finish(x, compute_name(x.dtype))
    mean = pt.mean(values, axis=reduced, keepdims=True)
    variance = pt.mean(pt.sqr(values - mean), axis=reduced, keepdims=keepdims)
    if not keepdims:
        mean = pt.squeeze(mean, axis=reduced)
    return finish(mean, x.dtype), finish(variance, x.dtype)
