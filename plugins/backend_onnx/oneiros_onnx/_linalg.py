"""Matrix products, einsum, tensordot and norms."""

from __future__ import annotations

import string
from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np

from oneiros_onnx._dispatch import lowered
from oneiros_onnx._dtypes import kernel_dtype
from oneiros_onnx._graph import Symbol
from oneiros_onnx._reduction import float_values, reduce
from oneiros_onnx._trace import emit
from oneiros_onnx._values import (
    as_dtype,
    broadcast_shapes,
    cast,
    float_result,
    normalize_axes,
    operand,
    reduced_shape,
    reshape,
    result_type,
    tensor,
)
from oneiros_onnx.errors import LoweringError

__all__ = ["einsum", "matmul", "norm", "tensordot"]

PRODUCT = frozenset({"int32", "int64", "float32", "float64"})


def _promoted(*values: Any) -> tuple[list[Symbol], str]:
    operands = [operand(value) for value in values]
    name = result_type(*operands)
    kernel = kernel_dtype(name, PRODUCT)
    return [cast(as_dtype(value, name), kernel) for value in operands], name


def _matmul_shape(a: tuple, b: tuple) -> tuple:
    if not a or not b:
        raise ValueError(f"matmul needs tensors of ndim >= 1; received shapes {a}, {b}.")
    left = (1, *a) if len(a) == 1 else a
    right = (*b, 1) if len(b) == 1 else b
    if left[-1] != right[-2]:
        raise ValueError(f"matmul: the inner dimensions of shapes {a} and {b} differ ({left[-1]} vs {right[-2]}).")
    batch = broadcast_shapes(left[:-2], right[:-2])
    return (*batch, *((left[-2],) if len(a) > 1 else ()), *((right[-1],) if len(b) > 1 else ()))


@lowered
def matmul(x1: Any, x2: Any) -> Symbol:
    (a, b), name = _promoted(x1, x2)
    shape = _matmul_shape(a.shape, b.shape)
    return cast(emit("MatMul", [a, b], shape, a.dtype), name)


def _einsum_plan(subscripts: str, shapes: Sequence[tuple]) -> tuple[str, tuple]:
    """The explicit equation (with ``->``) and the output shape, checking every size."""
    text = subscripts.replace(" ", "")
    inputs_text, arrow, output = text.partition("->")
    terms = inputs_text.split(",")
    if len(terms) != len(shapes):
        raise ValueError(f"einsum: {subscripts!r} names {len(terms)} operands; received {len(shapes)}.")
    sizes: dict[str, int] = {}
    ellipses: list[tuple] = []
    for term, shape in zip(terms, shapes):
        before, dots, after = term.partition("...")
        if dots:
            count = len(shape) - len(before) - len(after)
            if count < 0:
                raise ValueError(f"einsum: {term!r} has more subscripts than operand dimensions {shape}.")
            ellipses.append(tuple(shape[len(before):len(before) + count]))
            letters, dims = before + after, (*shape[:len(before)], *shape[len(shape) - len(after):])
        else:
            if len(term) != len(shape):
                raise ValueError(f"einsum: {term!r} has {len(term)} subscripts for an operand of shape {shape}.")
            letters, dims = term, shape
        for letter, dim in zip(letters, dims):
            if not letter.isalpha():
                raise ValueError(f"einsum: invalid subscript {letter!r} in {subscripts!r}.")
            if sizes.setdefault(letter, dim) != dim:
                raise ValueError(f"einsum: subscript {letter!r} has sizes {sizes[letter]} and {dim} in "
                                 f"{subscripts!r} for operands of shapes {list(shapes)}.")
    ellipsis_shape = broadcast_shapes(*ellipses) if ellipses else ()
    if not arrow:
        counts = Counter(letter for term in terms for letter in term if letter != ".")
        output = ("..." if ellipses else "") + "".join(sorted(letter for letter, n in counts.items() if n == 1))
    before, dots, after = output.partition("...")
    for letter in before + after:
        if letter not in sizes:
            raise ValueError(f"einsum: output subscript {letter!r} does not appear in the inputs of {subscripts!r}.")
    shape = (*(sizes[letter] for letter in before), *(ellipsis_shape if dots else ()),
             *(sizes[letter] for letter in after))
    return f"{','.join(terms)}->{output}", shape


@lowered
def einsum(subscripts: str, *operands: Any) -> Symbol:
    if not isinstance(subscripts, str):
        raise TypeError(f"einsum subscripts must be a string; received {type(subscripts).__name__}.")
    values, name = _promoted(*operands)
    equation, shape = _einsum_plan(subscripts, [value.shape for value in values])
    return cast(emit("Einsum", values, shape, values[0].dtype, equation=equation), name)


def _tensordot_axes(axes: Any, a_ndim: int, b_ndim: int) -> tuple[list[int], list[int]]:
    if isinstance(axes, (int, np.integer)):
        count = int(axes)
        if count < 0 or count > min(a_ndim, b_ndim):
            raise ValueError(f"tensordot axes={count} exceeds the operands' ndim ({a_ndim}, {b_ndim}).")
        return list(range(a_ndim - count, a_ndim)), list(range(count))
    first, second = axes
    first = [first] if isinstance(first, (int, np.integer)) else list(first)
    second = [second] if isinstance(second, (int, np.integer)) else list(second)
    if len(first) != len(second):
        raise ValueError(f"tensordot needs as many axes for each operand; received {axes!r}.")
    return list(normalize_axes(first, a_ndim)), list(normalize_axes(second, b_ndim))


@lowered
def tensordot(x1: Any, x2: Any, axes: Any = 2) -> Symbol:
    (a, b), name = _promoted(x1, x2)
    a_axes, b_axes = _tensordot_axes(axes, a.ndim, b.ndim)
    for i, j in zip(a_axes, b_axes):
        if a.shape[i] != b.shape[j]:
            raise ValueError(f"tensordot: shape mismatch for sum between axis {i} of {a.shape} and axis {j} "
                             f"of {b.shape}.")
    letters = iter(string.ascii_letters)
    a_letters = [next(letters) for _ in range(a.ndim)]
    b_letters = [next(letters) for _ in range(b.ndim)]
    for i, j in zip(a_axes, b_axes):
        b_letters[j] = a_letters[i]
    output = [a_letters[i] for i in range(a.ndim) if i not in a_axes] + \
             [b_letters[j] for j in range(b.ndim) if j not in b_axes]
    equation = f"{''.join(a_letters)},{''.join(b_letters)}->{''.join(output)}"
    shape = (*(a.shape[i] for i in range(a.ndim) if i not in a_axes),
             *(b.shape[j] for j in range(b.ndim) if j not in b_axes))
    return cast(emit("Einsum", [a, b], shape, a.dtype, equation=equation), name)


def _abs(value: Symbol) -> Symbol:
    return emit("Abs", [value], value.shape, value.dtype)


def _sqrt(value: Symbol) -> Symbol:
    return emit("Sqrt", [value], value.shape, value.dtype)


def _sum_of_squares(value: Symbol, axes: tuple[int, ...], keepdims: bool) -> Symbol:
    return reduce("ReduceSumSquare", value, axes, keepdims)


def _vector_norm(value: Symbol, ord: Any, axes: tuple[int, ...], keepdims: bool) -> Symbol:
    if ord is None or ord == 2:
        return _sqrt(_sum_of_squares(value, axes, keepdims))
    if ord == np.inf:
        return reduce("ReduceMax", _abs(value), axes, keepdims)
    if ord == -np.inf:
        return reduce("ReduceMin", _abs(value), axes, keepdims)
    if ord == 0:
        nonzero = cast(emit("Not", [emit("Equal", [value, as_dtype(0.0, value.dtype)], value.shape, "bool")],
                            value.shape, "bool"), value.dtype)
        return reduce("ReduceSum", nonzero, axes, keepdims)
    if ord == 1:
        return reduce("ReduceSum", _abs(value), axes, keepdims)
    power = as_dtype(float(ord), value.dtype)
    total = reduce("ReduceSum", emit("Pow", [_abs(value), power], value.shape, value.dtype), axes, keepdims)
    return emit("Pow", [total, as_dtype(1.0 / float(ord), value.dtype)], total.shape, value.dtype)


def _matrix_norm(value: Symbol, ord: Any, axes: tuple[int, ...], keepdims: bool) -> Symbol:
    rows, cols = axes
    if ord is None or ord == "fro":
        return _sqrt(_sum_of_squares(value, axes, keepdims))
    if ord in (1, -1, np.inf, -np.inf):
        summed_axis, extreme_axis = (rows, cols) if ord in (1, -1) else (cols, rows)
        sums = reduce("ReduceSum", _abs(value), (summed_axis,), True)
        extreme = reduce("ReduceMax" if ord in (1, np.inf) else "ReduceMin", sums, (extreme_axis,), True)
        return extreme if keepdims else reshape(extreme, reduced_shape(value.shape, axes, False))
    raise LoweringError("norm", f"the matrix norm ord={ord!r} needs a singular value decomposition, which ONNX "
                        "has no op for")


@lowered
def norm(x: Any, ord: Any = None, axis: Any = None, keepdims: bool = False) -> Symbol:
    original = tensor(x)
    value = float_values(original)
    name = float_result(original.dtype)
    if axis is None and ord is None:
        axes = tuple(range(value.ndim))
        return cast(_sqrt(_sum_of_squares(value, axes, keepdims)), name)
    axes = normalize_axes(axis, value.ndim)
    if len(axes) == 1:
        return cast(_vector_norm(value, ord, axes, keepdims), name)
    if len(axes) == 2:
        return cast(_matrix_norm(value, ord, axes, keepdims), name)
    raise ValueError(f"norm needs axis None, an int or a pair of ints for a tensor of ndim {value.ndim}; "
                     f"received {axis!r}.")
