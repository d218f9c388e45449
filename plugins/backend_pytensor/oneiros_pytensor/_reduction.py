"""Reductions over axes as PyTensor graphs: sums and products accumulate in ``dtypes.accumulator``,
float reductions compute in float32 and cast back."""

from __future__ import annotations

import builtins
from typing import Any

import pytensor.tensor as pt
from pytensor.gradient import disconnected_grad

from oneiros import dtypes

from oneiros_pytensor._graph import graph_op
from oneiros_pytensor._math import _truth
from oneiros_pytensor._tensors import as_float, axes_tuple, compute_name, finish, tensor

__all__ = ["all", "any", "logsumexp", "max", "mean", "min", "prod", "std", "sum", "var"]


def _accumulating(pytensor_op):
    @graph_op
    def run(x, axis=None, keepdims=False):
        x = tensor(x)
        axes = axes_tuple(axis, x.ndim)
        name = dtypes.accumulator(x.dtype)
        result = pytensor_op(finish(x, compute_name(name)), axis=axes, keepdims=keepdims)
        return finish(result, name)

    return run


def _float_reduction(compute):
    @graph_op
    def run(x, axis=None, keepdims=False):
        x = as_float(x)
        axes = axes_tuple(axis, x.ndim)
        return finish(compute(finish(x, compute_name(x.dtype)), axes, keepdims), x.dtype)

    return run


def _logsumexp(x: Any, axes: tuple[int, ...], keepdims: bool) -> Any:
    # Shifting by the (gradient-free) maximum keeps exp from overflowing; the shift cancels.
    peak = disconnected_grad(pt.max(x, axis=axes, keepdims=True))
    peak = pt.switch(pt.isinf(peak), 0, peak)
    total = pt.log(pt.sum(pt.exp(x - peak), axis=axes, keepdims=True)) + peak
    return total if keepdims else pt.squeeze(total, axis=axes)


def _extreme(pytensor_op):
    @graph_op
    def run(x, axis=None, keepdims=False):
        x = tensor(x)
        axes = axes_tuple(axis, x.ndim)
        if builtins.any(x.type.shape[a] == 0 for a in axes) or (axis is None and 0 in x.type.shape):
            raise ValueError(f"{pytensor_op.__name__} of an empty axis; received shape {x.type.shape}.")
        work = "int8" if x.dtype == "bool" else compute_name(x.dtype)
        return finish(pytensor_op(finish(x, work), axis=axes, keepdims=keepdims), x.dtype)

    return run


def _truth_reduction(pytensor_op):
    @graph_op
    def run(x, axis=None, keepdims=False):
        x = _truth(x)
        return pytensor_op(x, axis=axes_tuple(axis, x.ndim), keepdims=keepdims)

    return run


sum = _accumulating(pt.sum)


prod = _accumulating(pt.prod)


mean = _float_reduction(lambda x, axes, keepdims: pt.mean(x, axis=axes, keepdims=keepdims))


var = _float_reduction(lambda x, axes, keepdims: pt.var(x, axis=axes, keepdims=keepdims))


std = _float_reduction(lambda x, axes, keepdims: pt.std(x, axis=axes, keepdims=keepdims))


logsumexp = _float_reduction(_logsumexp)


max = _extreme(pt.max)


min = _extreme(pt.min)


any = _truth_reduction(pt.any)


all = _truth_reduction(pt.all)
