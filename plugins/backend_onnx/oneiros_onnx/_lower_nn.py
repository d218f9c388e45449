"""Activations, softmax, one-hot encoding and moments.

Every activation stays finite for |x| ~ 1e4, like the reference: exponentials only see -|x|.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from oneiros_onnx._dispatch import lowered
from oneiros_onnx._dtypes import INTS, kernel_dtype
from oneiros_onnx._graph import Symbol
from oneiros_onnx._lower_reduce import float_values, logsumexp_values, reduce, variance
from oneiros_onnx._lower_shape import moveaxis
from oneiros_onnx._trace import constant, emit
from oneiros_onnx._values import as_dtype, cast, dtype_name, float_result, normalize_axes, tensor, unsqueeze

__all__ = [
    "elu", "gelu", "hard_sigmoid", "hard_silu", "leaky_relu", "log_sigmoid", "log_softmax", "mish",
    "moments", "one_hot", "relu", "relu6", "selu", "sigmoid", "silu", "softmax", "softplus", "softsign",
]

SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


def _activation(x: Any, build: Callable[[Symbol], Symbol]) -> Symbol:
    original = tensor(x)
    return cast(build(float_values(original)), float_result(original.dtype))


def _node(op_type: str, value: Symbol, *others: Any, **attributes: Any) -> Symbol:
    inputs = [value, *(other if isinstance(other, Symbol) else as_dtype(other, value.dtype) for other in others)]
    return emit(op_type, inputs, value.shape, value.dtype, **attributes)


def _softplus(v: Symbol) -> Symbol:
    # max(v, 0) + log(1 + exp(-|v|))
    decay = _node("Exp", _node("Neg", _node("Abs", v)))
    return _node("Add", _node("Relu", v), _node("Log", _node("Add", decay, 1.0)))


@lowered
def relu(x: Any) -> Symbol:
    return _activation(x, lambda v: _node("Relu", v))


@lowered
def relu6(x: Any) -> Symbol:
    return _activation(x, lambda v: _node("Clip", v, 0.0, 6.0))


@lowered
def leaky_relu(x: Any, negative_slope: float = 0.2) -> Symbol:
    return _activation(x, lambda v: _node("LeakyRelu", v, alpha=float(negative_slope)))


@lowered
def elu(x: Any, alpha: float = 1.0) -> Symbol:
    return _activation(x, lambda v: _node("Elu", v, alpha=float(alpha)))


@lowered
def selu(x: Any) -> Symbol:
    return _activation(x, lambda v: _node("Selu", v, alpha=SELU_ALPHA, gamma=SELU_SCALE))


@lowered
def gelu(x: Any, approximate: bool = True) -> Symbol:
    def build(v: Symbol) -> Symbol:
        if approximate:
            cube = _node("Mul", _node("Mul", v, v), v)
            inner = _node("Mul", _node("Add", v, _node("Mul", cube, 0.044715)), math.sqrt(2 / math.pi))
            gate = _node("Add", _node("Tanh", inner), 1.0)
        else:
            gate = _node("Add", _node("Erf", _node("Mul", v, 1 / math.sqrt(2))), 1.0)
        return _node("Mul", _node("Mul", v, gate), 0.5)

    return _activation(x, build)


@lowered
def silu(x: Any) -> Symbol:
    return _activation(x, lambda v: _node("Mul", v, _node("Sigmoid", v)))


@lowered
def softplus(x: Any) -> Symbol:
    return _activation(x, _softplus)


@lowered
def softsign(x: Any) -> Symbol:
    return _activation(x, lambda v: _node("Softsign", v))


@lowered
def sigmoid(x: Any) -> Symbol:
    return _activation(x, lambda v: _node("Sigmoid", v))


@lowered
def hard_sigmoid(x: Any) -> Symbol:
    return _activation(x, lambda v: _node("HardSigmoid", v, alpha=1 / 6, beta=0.5))


@lowered
def hard_silu(x: Any) -> Symbol:
    return _activation(x, lambda v: _node("HardSwish", v))


@lowered
def log_sigmoid(x: Any) -> Symbol:
    def build(v: Symbol) -> Symbol:
        decay = _node("Exp", _node("Neg", _node("Abs", v)))
        return _node("Sub", _node("Min", v, 0.0), _node("Log", _node("Add", decay, 1.0)))

    return _activation(x, build)


@lowered
def mish(x: Any) -> Symbol:
    return _activation(x, lambda v: _node("Mul", v, _node("Tanh", _softplus(v))))


def _normalized(x: Any, axis: Any, single: str, build: Callable[[Symbol, tuple[int, ...]], Symbol]) -> Symbol:
    original = tensor(x)
    values = float_values(original)
    axes = normalize_axes(axis, values.ndim)
    if len(axes) == 1:
        result = _node(single, values, axis=axes[0])
    else:
        result = build(values, axes)
    return cast(result, float_result(original.dtype))


def _softmax_over(values: Symbol, axes: tuple[int, ...]) -> Symbol:
    shifted = _node("Sub", values, reduce("ReduceMax", values, axes, True))
    weights = _node("Exp", shifted)
    return emit("Div", [weights, reduce("ReduceSum", weights, axes, True)], values.shape, values.dtype)


def _log_softmax_over(values: Symbol, axes: tuple[int, ...]) -> Symbol:
    return emit("Sub", [values, logsumexp_values(values, axes, True)], values.shape, values.dtype)


@lowered
def softmax(x: Any, axis: Any = -1) -> Symbol:
    return _normalized(x, axis, "Softmax", _softmax_over)


@lowered
def log_softmax(x: Any, axis: Any = -1) -> Symbol:
    return _normalized(x, axis, "LogSoftmax", _log_softmax_over)


@lowered
def one_hot(x: Any, num_classes: int, axis: int = -1, dtype: Any = "float32") -> Symbol:
    labels = tensor(x)
    if labels.dtype not in INTS:
        raise TypeError(f"one_hot input must be an integer tensor; received dtype {labels.dtype}.")
    classes = int(num_classes)
    if classes < 1:
        raise ValueError(f"one_hot needs num_classes >= 1; received {num_classes}.")
    position = int(axis)
    if not -labels.ndim - 1 <= position <= labels.ndim:
        raise ValueError(f"one_hot axis must lie in [{-labels.ndim - 1}, {labels.ndim}] for an input of shape "
                         f"{labels.shape}; received {axis}.")
    # Comparing with every class index leaves out-of-range labels (negatives too) all zeros.
    work = kernel_dtype(labels.dtype, frozenset({"int32", "int64"}))
    classes_row = constant(np.arange(classes), work)
    expanded = unsqueeze(cast(labels, work), [labels.ndim])
    encoded = emit("Equal", [expanded, classes_row], (*labels.shape, classes), "bool")
    encoded = cast(encoded, dtype_name(dtype))
    return moveaxis(encoded, -1, position) if position not in (-1, labels.ndim) else encoded


@lowered
def moments(x: Any, axes: Any, keepdims: bool = False) -> tuple[Symbol, Symbol]:
    original = tensor(x)
    values = float_values(original)
    reduced = normalize_axes(axes, values.ndim)
    name = float_result(original.dtype)
    mean = reduce("ReduceMean", values, reduced, keepdims)
    return cast(mean, name), cast(variance(values, reduced, keepdims), name)
