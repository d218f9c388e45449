"""Reductions over axes (ReduceSum, ReduceMax... with the axes as an input)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from oneiros import dtypes

from oneiros_onnx._dispatch import lowered
from oneiros_onnx._dtypes import ORDERED, WIDE, kernel_dtype
from oneiros_onnx._graph import Symbol
from oneiros_onnx._trace import emit
from oneiros_onnx._values import (
    as_dtype,
    axes_input,
    cast,
    float_result,
    normalize_axes,
    reduced_shape,
    squeeze,
    tensor,
    where,
)


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


__all__ = ["all", "any", "logsumexp", "max", "mean", "min", "prod", "std", "sum", "var"]
