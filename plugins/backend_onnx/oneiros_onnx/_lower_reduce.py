"""Reductions, arg-reductions, cumulative ops, sorting and top-k."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from oneiros import dtypes
from oneiros_onnx._dims import DynamicDim
from oneiros_onnx._dispatch import lowered
from oneiros_onnx._dtypes import ORDERED, SORTABLE, WIDE, kernel_dtype
from oneiros_onnx._graph import Symbol
from oneiros_onnx._trace import constant, emit, emit_many, int64s
from oneiros_onnx._values import (
    as_dtype,
    axes_input,
    cast,
    expand,
    float_result,
    normalize_axes,
    normalize_axis,
    reduced_shape,
    reshape,
    shape_of,
    squeeze,
    tensor,
    transpose,
    unsqueeze,
    where,
)
from oneiros_onnx.errors import LoweringError


def reduce(op_type: str, value: Symbol, axes: tuple[int, ...], keepdims: bool) -> Symbol:
    """``op_type`` (ReduceSum, ReduceMax...) of ``value`` over ``axes`` (already normalized)."""
    if not axes:
        return value
    shape = reduced_shape(value.shape, axes, keepdims)
    return emit(op_type, [value, axes_input(axes)], shape, value.dtype, keepdims=int(keepdims))


def _reduction(op_type: str, result: Callable[[str], str] | None, accepted: frozenset[str]) -> Callable:
    def op(x: Any, axis: Any = None, keepdims: bool = False) -> Symbol:
        value = tensor(x)
        name = result(value.dtype) if result is not None else value.dtype
        axes = normalize_axes(axis, value.ndim)
        computed = reduce(op_type, cast(cast(value, name), kernel_dtype(name, accepted)), axes, keepdims)
        return cast(computed, name)

    return op


sum = lowered(_reduction("ReduceSum", dtypes.accumulator, WIDE), "sum")
prod = lowered(_reduction("ReduceProd", dtypes.accumulator, WIDE), "prod")
max = lowered(_reduction("ReduceMax", None, ORDERED), "max")
min = lowered(_reduction("ReduceMin", None, ORDERED), "min")


def float_values(x: Any) -> Symbol:
    """``x`` in the float32 (or its own float) dtype its float-valued result is computed in."""
    value = tensor(x)
    return cast(value, kernel_dtype(float_result(value.dtype), WIDE))


def _mean(value: Symbol, axes: tuple[int, ...], keepdims: bool) -> Symbol:
    return reduce("ReduceMean", value, axes, keepdims)


def variance(value: Symbol, axes: tuple[int, ...], keepdims: bool) -> Symbol:
    """Population variance, two-pass (mean of squared deviations) as numpy computes it."""
    centered = emit("Sub", [value, _mean(value, axes, True)], value.shape, value.dtype)
    return _mean(emit("Mul", [centered, centered], value.shape, value.dtype), axes, keepdims)


def _float_reduction(compute: Callable[[Symbol, tuple[int, ...], bool], Symbol]) -> Callable:
    def op(x: Any, axis: Any = None, keepdims: bool = False) -> Symbol:
        value = tensor(x)
        values = float_values(value)
        result = compute(values, normalize_axes(axis, value.ndim), keepdims)
        return cast(result, float_result(value.dtype))

    return op


def _std(value: Symbol, axes: tuple[int, ...], keepdims: bool) -> Symbol:
    result = variance(value, axes, keepdims)
    return emit("Sqrt", [result], result.shape, result.dtype)


def logsumexp_values(value: Symbol, axes: tuple[int, ...], keepdims: bool) -> Symbol:
    peak = reduce("ReduceMax", value, axes, True)
    # An infinite peak would turn x - peak into nan; shifting by 0 there is exact enough.
    finite = emit("Not", [emit("IsInf", [peak], peak.shape, "bool")], peak.shape, "bool")
    peak = where(finite, peak, as_dtype(0.0, value.dtype))
    shifted = emit("Exp", [emit("Sub", [value, peak], value.shape, value.dtype)], value.shape, value.dtype)
    total = reduce("ReduceSum", shifted, axes, True)
    result = emit("Add", [emit("Log", [total], total.shape, total.dtype), peak], total.shape, total.dtype)
    return result if keepdims else squeeze(result, axes)


mean = lowered(_float_reduction(_mean), "mean")
var = lowered(_float_reduction(variance), "var")
std = lowered(_float_reduction(_std), "std")
logsumexp = lowered(_float_reduction(logsumexp_values), "logsumexp")


def _truth_count(value: Symbol, axes: tuple[int, ...], keepdims: bool, negate: bool) -> Symbol:
    truth = cast(value, "bool")
    if negate:
        truth = emit("Not", [truth], truth.shape, "bool")
    return reduce("ReduceSum", cast(truth, "int32"), axes, keepdims)


@lowered
def any(x: Any, axis: Any = None, keepdims: bool = False) -> Symbol:
    value = tensor(x)
    count = _truth_count(value, normalize_axes(axis, value.ndim), keepdims, negate=False)
    return emit("Greater", [count, as_dtype(0, "int32")], count.shape, "bool")


@lowered
def all(x: Any, axis: Any = None, keepdims: bool = False) -> Symbol:
    value = tensor(x)
    count = _truth_count(value, normalize_axes(axis, value.ndim), keepdims, negate=True)
    return emit("Equal", [count, as_dtype(0, "int32")], count.shape, "bool")


def _flattened(value: Symbol) -> Symbol:
    return reshape(value, (value.size,)) if value.ndim != 1 else value


def _arg_reduction(op_type: str) -> Callable:
    def op(x: Any, axis: Any = None, keepdims: bool = False) -> Symbol:
        value = tensor(x)
        work = cast(value, kernel_dtype(value.dtype, ORDERED))
        if axis is None:
            flat = _flattened(work)
            index = emit(op_type, [flat], (), "int64", axis=0, keepdims=0, select_last_index=0)
            result = reshape(index, (1,) * value.ndim) if keepdims else index
        else:
            position = normalize_axis(axis, value.ndim)
            shape = reduced_shape(value.shape, (position,), keepdims)
            result = emit(op_type, [work], shape, "int64", axis=position, keepdims=int(keepdims),
                          select_last_index=0)
        return cast(result, "int32")

    return op


argmax = lowered(_arg_reduction("ArgMax"), "argmax")
argmin = lowered(_arg_reduction("ArgMin"), "argmin")


def _axis_or_flat(value: Symbol, axis: Any) -> tuple[Symbol, int]:
    if axis is None:
        return _flattened(value), 0
    return value, normalize_axis(axis, value.ndim)


@lowered
def cumsum(x: Any, axis: Any = None) -> Symbol:
    value = tensor(x)
    name = "int32" if value.dtype == "bool" else value.dtype
    values, position = _axis_or_flat(cast(value, name), axis)
    work = cast(values, kernel_dtype(name, WIDE))
    total = emit("CumSum", [work, constant(position, "int64")], work.shape, work.dtype)
    return cast(total, name)


@lowered
def cumprod(x: Any, axis: Any = None) -> Symbol:
    value = tensor(x)
    name = "int32" if value.dtype == "bool" else value.dtype
    values, position = _axis_or_flat(cast(value, name), axis)
    size = values.shape[position]
    if isinstance(size, DynamicDim):
        raise LoweringError("cumprod", "it needs a static size along its axis")
    work = cast(values, kernel_dtype(name, WIDE))
    last = work.ndim - 1
    order = [a for a in range(work.ndim) if a != position] + [position]
    moved = transpose(work, order)
    # Row i of a (size, size) grid holds x[0..i] and ones after: its product is cumprod[i].
    grid = expand(unsqueeze(moved, [last]), (*moved.shape, size))
    lower = constant(np.tril(np.ones((size, size), bool)), "bool")
    masked = where(lower, grid, as_dtype(1, work.dtype))
    products = reduce("ReduceProd", masked, (last + 1,), False)
    inverse = list(np.argsort(order))
    return cast(transpose(products, inverse), name)


def _top_k(value: Symbol, k: int, largest: bool, axis: int) -> tuple[Symbol, Symbol]:
    work = cast(value, kernel_dtype(value.dtype, SORTABLE))
    shape = tuple(k if index == axis else dim for index, dim in enumerate(value.shape))
    values, indices = emit_many("TopK", [work, int64s([k])], [(shape, work.dtype), (shape, "int64")],
                                axis=axis, largest=int(largest), sorted=1)
    return cast(values, value.dtype), indices


def _static_size(value: Symbol, axis: int, what: str) -> int:
    size = value.shape[axis]
    if isinstance(size, DynamicDim):
        raise LoweringError(what, "it needs a static size along its axis")
    return int(size)


@lowered
def sort(x: Any, axis: int = -1) -> Symbol:
    value = tensor(x)
    position = normalize_axis(axis, value.ndim)
    # TopK keeps equal values in index order, so ascending TopK is a stable sort.
    return _top_k(value, _static_size(value, position, "sort"), False, position)[0]


@lowered
def argsort(x: Any, axis: int = -1) -> Symbol:
    value = tensor(x)
    position = normalize_axis(axis, value.ndim)
    return cast(_top_k(value, _static_size(value, position, "argsort"), False, position)[1], "int32")


@lowered
def top_k(x: Any, k: int, sorted: bool = True) -> tuple[Symbol, Symbol]:
    value = tensor(x)
    if value.ndim < 1:
        raise ValueError(f"top_k needs a tensor of ndim >= 1; received shape {shape_of(value)}.")
    size = _static_size(value, value.ndim - 1, "top_k")
    count = int(k)
    if not 0 <= count <= size:
        raise ValueError(f"top_k needs 0 <= k <= {size} (the last axis); received k={k}.")
    values, indices = _top_k(value, count, True, value.ndim - 1)
    return values, cast(indices, "int32")


__all__ = ["all", "any", "argmax", "argmin", "argsort", "cumprod", "cumsum", "logsumexp", "max", "mean",
           "min", "prod", "sort", "std", "sum", "top_k", "var"]
