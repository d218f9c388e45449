"""Activations, softmax, one-hot encoding and moments.

MXNet's fused kernels (relu, sigmoid, softrelu, softmax, log_softmax) are used where they are
stable for |x| ~ 1e4; the rest are composed so that exponentials only ever see -|x|.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from mxnet import numpy as mnp
from mxnet import numpy_extension as npx

from oneiros_mxnet._engine import context
from oneiros_mxnet._layout import ChannelsLastView
from oneiros_mxnet._reduce import variance
from oneiros_mxnet._shape import moveaxis
from oneiros_mxnet._tensor import (
    as_tensor,
    check_int,
    dtype_name,
    finish,
    float_result,
    normalize_axis,
    select,
    storage,
    supported_name,
    to_compute,
)

__all__ = [
    "elu", "gelu", "hard_sigmoid", "hard_silu", "leaky_relu", "log_sigmoid", "log_softmax",
    "mish", "moments", "one_hot", "relu", "relu6", "selu", "sigmoid", "silu", "softmax",
    "softplus", "softsign",
]

SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946
_SQRT_2_OVER_PI = math.sqrt(2 / math.pi)
_ONE_HOT_KERNEL_DTYPES = frozenset({"float16", "float32", "int8", "int32", "uint8"})


def _on_floats(fn: Callable[[Any], Any], x: Any) -> Any:
    tensor = as_tensor(x)
    name = float_result(dtype_name(tensor))
    return finish(fn(to_compute(tensor, name)), name)


def _activation(fn: Callable[[Any], Any], x: Any, nondecreasing: bool = False) -> Any:
    """An elementwise activation; a ChannelsLastView stays one (its layout does not matter), and
    waits for a max pooling to read it when ``fn`` is ``nondecreasing`` (see ``_layout``)."""
    if type(x) is not ChannelsLastView:
        return _on_floats(fn, x)
    if nondecreasing:
        return x.mapped_nondecreasing(lambda values: _on_floats(fn, values), float_result(dtype_name(x)))
    return x.mapped(lambda values: _on_floats(fn, values))


def _softplus(v: Any) -> Any:
    return npx.activation(v, act_type="softrelu")


def _hard_sigmoid(v: Any) -> Any:
    return mnp.clip(v / 6 + 0.5, 0, 1)


def _elu(v: Any, alpha: float) -> Any:
    return select(v > 0, v, mnp.expm1(mnp.minimum(v, 0)) * alpha)


def relu(x):
    # npx.relu, not oneDNN's faster Activation kernel: that one turns NaN into 0.
    return _activation(npx.relu, x, nondecreasing=True)


def relu6(x):
    return _activation(lambda v: mnp.clip(v, 0, 6), x)


def leaky_relu(x, negative_slope=0.2):
    return _activation(lambda v: select(v >= 0, v, v * negative_slope), x)


def elu(x, alpha=1.0):
    return _activation(lambda v: _elu(v, alpha), x)


def selu(x):
    return _activation(lambda v: _elu(v, SELU_ALPHA) * SELU_SCALE, x)


def _gelu_tanh(v: Any) -> Any:
    inner = (v + mnp.power(v, 3) * 0.044715) * _SQRT_2_OVER_PI
    return v * (mnp.tanh(inner) + 1) * 0.5


def gelu(x, approximate=True):
    if approximate:
        return _activation(_gelu_tanh, x)
    return _activation(lambda v: v * (npx.erf(v / math.sqrt(2)) + 1) * 0.5, x)


def silu(x):
    return _activation(lambda v: v * npx.sigmoid(v), x)


def softplus(x):
    return _activation(_softplus, x)


def softsign(x):
    return _activation(lambda v: v / (mnp.abs(v) + 1), x)


def sigmoid(x):
    return _activation(npx.sigmoid, x)


def hard_sigmoid(x):
    return _activation(_hard_sigmoid, x)


def hard_silu(x):
    return _activation(lambda v: v * _hard_sigmoid(v), x)


def log_sigmoid(x):
    return _activation(lambda v: mnp.minimum(v, 0) - mnp.log1p(mnp.exp(-mnp.abs(v))), x)


def mish(x):
    return _activation(lambda v: v * mnp.tanh(_softplus(v)), x)


def _over_axes(fused: Callable[..., Any], composed: Callable[[Any, Any], Any], axis: Any) -> Callable[[Any], Any]:
    """MXNet's fused kernel for one axis; the composed form for several."""
    axes = normalize_axis(axis)
    if isinstance(axes, int) or len(axes) == 1:
        single = axes if isinstance(axes, int) else axes[0]
        return lambda v: fused(v, axis=single)
    return lambda v: composed(v, axes)


def _shifted(v: Any, axes: Any) -> Any:
    return v - mnp.max(v, axis=axes, keepdims=True).detach()


def softmax(x, axis=-1):
    def composed(v: Any, axes: Any) -> Any:
        weights = mnp.exp(_shifted(v, axes))
        return weights / mnp.sum(weights, axis=axes, keepdims=True)

    return _on_floats(_over_axes(npx.softmax, composed, axis), x)


def log_softmax(x, axis=-1):
    # Composed: MXNet's fused log_softmax is off by ~1e-6 where the answer is 0.
    def composed(v: Any) -> Any:
        shifted = _shifted(v, normalize_axis(axis))
        return shifted - mnp.log(mnp.sum(mnp.exp(shifted), axis=normalize_axis(axis), keepdims=True))

    return _on_floats(composed, x)


def one_hot(x, num_classes, axis=-1, dtype="float32"):
    labels = as_tensor(x)
    check_int(labels, "one_hot input")
    name = supported_name(dtype)
    if int(num_classes) < 1:
        raise ValueError(f"one_hot needs num_classes >= 1; received {num_classes}.")
    out_axis = int(axis)
    if not -labels.ndim - 1 <= out_axis <= labels.ndim:
        raise ValueError(
            f"one_hot axis must lie in [{-labels.ndim - 1}, {labels.ndim}] for an input of "
            f"shape {labels.shape}; received {axis}."
        )
    plain = storage(labels)
    if name in _ONE_HOT_KERNEL_DTYPES:
        # MXNet's kernel, like the comparison below, leaves out-of-range labels all zeros.
        encoded = npx.one_hot(plain, int(num_classes), dtype=name)
    else:
        classes = mnp.arange(int(num_classes), dtype=plain.dtype, ctx=context())
        # Comparing with every class index leaves out-of-range labels (negatives too) all zeros.
        encoded = finish(mnp.equal(mnp.expand_dims(plain, -1), classes), name)
    if out_axis in (-1, labels.ndim):
        return encoded
    return moveaxis(encoded, -1, out_axis)


def moments(x, axes, keepdims=False):
    tensor = as_tensor(x)
    name = float_result(dtype_name(tensor))
    values = to_compute(tensor, name)
    axis = normalize_axis(axes)
    mean = mnp.mean(values, axis=axis, keepdims=bool(keepdims))
    return finish(mean, name), finish(variance(values, axis, bool(keepdims)), name)
