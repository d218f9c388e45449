"""Reductions, normalizations, scans along an axis, sorting and linear algebra as Tile contractions."""

from __future__ import annotations

import math
import string
from collections.abc import Sequence
from typing import Any

import numpy as np
from oneiros import dtypes

from oneiros_plaidml._core import stop_gradient
from oneiros_plaidml._elementwise import (
    abs as absolute,
    add,
    cast,
    divide,
    exp,
    log,
    multiply,
    power,
    sqrt,
    square,
    subtract,
)
from oneiros_plaidml._shape import (
    index_names,
    moveaxis,
    normalize_axes,
    normalize_axis,
    pad_constant,
    reshape,
    strided,
    transpose,
)
from oneiros_plaidml._tensor import PlaidTensor, as_tensor, cast_expression, emit, host_tensor, is_nan, position

AGGREGATIONS = {"sum": "+", "max": ">", "min": "<", "prod": "*"}


def reduce(x: PlaidTensor, axis: Any, keepdims: bool, aggregation: str, dtype: str) -> PlaidTensor:
    axes = normalize_axes(axis, x.ndim)
    kept = [a for a in range(x.ndim) if a not in axes]
    shape = [1 if a in axes else size for a, size in enumerate(x.shape)] if keepdims else [x.shape[a] for a in kept]
    if x.size == 0:
        identity = {"+": 0, "*": 1}.get(AGGREGATIONS[aggregation])
        if identity is None:
            raise ValueError(f"cannot take the {aggregation} of an empty axis")
        return host_tensor(np.full(shape, identity, dtype))
    names = index_names(x.ndim)
    if keepdims:
        target = ["0" if a in axes else names[a] for a in range(x.ndim)]
    else:
        target = [names[a] for a in kept]
    out = f"O[{', '.join(target)}: {', '.join(map(str, shape))}]" if shape else "O[]"
    body = f"C = {cast_expression('I0', dtype, x.dtype)}; {out} = {AGGREGATIONS[aggregation]}(C[{', '.join(names)}]);"
    return emit(body if x.ndim else f"O = {cast_expression('I0', dtype, x.dtype)};", [x], shape, dtype)


def sum(x: Any, axis: Any = None, keepdims: bool = False) -> PlaidTensor:
    x = as_tensor(x)
    return reduce(x, axis, keepdims, "sum", dtypes.accumulator(x.dtype))


def prod(x: Any, axis: Any = None, keepdims: bool = False) -> PlaidTensor:
    """Halving products (PlaidML cannot differentiate its product aggregation)."""
    x = as_tensor(x)
    dtype = dtypes.accumulator(x.dtype)
    axes = normalize_axes(axis, x.ndim)
    kept = [a for a in range(x.ndim) if a not in axes]
    shape = [1 if a in axes else size for a, size in enumerate(x.shape)] if keepdims else [x.shape[a] for a in kept]
    if x.size == 0:
        return host_tensor(np.ones(shape, dtype))
    rows = reshape(transpose(cast(x, dtype), kept + list(axes)), [x.shape[a] for a in kept] + [-1])
    while rows.shape[-1] > 1:
        if rows.shape[-1] % 2:
            rows = pad_constant(rows, [(0, 0)] * (rows.ndim - 1) + [(0, 1)], 1)
        half = rows.shape[-1] // 2
        starts, steps = [0] * rows.ndim, [1] * rows.ndim
        sizes = list(rows.shape[:-1]) + [half]
        rows = multiply(strided(rows, starts, steps, sizes), strided(rows, starts[:-1] + [half], steps, sizes))
    return reshape(rows, shape)


def max(x: Any, axis: Any = None, keepdims: bool = False) -> PlaidTensor:
    x = as_tensor(x)
    return reduce(x, axis, keepdims, "max", x.dtype if x.dtype != "bool" else "bool")


def min(x: Any, axis: Any = None, keepdims: bool = False) -> PlaidTensor:
    x = as_tensor(x)
    return reduce(x, axis, keepdims, "min", x.dtype)


def _count(x: PlaidTensor, axis: Any) -> int:
    return math.prod(x.shape[a] for a in normalize_axes(axis, x.ndim))


def _float(x: PlaidTensor) -> PlaidTensor:
    return x if x.dtype in dtypes.FLOATS else cast(x, "float32")


def mean(x: Any, axis: Any = None, keepdims: bool = False) -> PlaidTensor:
    x = _float(as_tensor(x))
    return divide(reduce(x, axis, keepdims, "sum", x.dtype), float(_count(x, axis)))


def var(x: Any, axis: Any = None, keepdims: bool = False) -> PlaidTensor:
    x = _float(as_tensor(x))
    centered = subtract(x, mean(x, axis, keepdims=True))
    return mean(square(centered), axis, keepdims)


def std(x: Any, axis: Any = None, keepdims: bool = False) -> PlaidTensor:
    return sqrt(var(x, axis, keepdims))


def _finite_max(x: PlaidTensor, axis: Any) -> PlaidTensor:
    """The largest finite value over ``axis`` (kept; 0 where none is), a shift without a gradient."""
    peak = reduce(x, axis, True, "max", x.dtype)
    return stop_gradient(emit("O = I0 - I0 == 0 ? I0 : 0;", [peak], peak.shape, x.dtype))


def logsumexp(x: Any, axis: Any = None, keepdims: bool = False) -> PlaidTensor:
    x = _float(as_tensor(x))
    peak = _finite_max(x, axis)
    total = reduce(exp(subtract(x, peak)), axis, True, "sum", x.dtype)
    result = add(log(total), peak)
    return result if keepdims else reshape(result, [s for a, s in enumerate(result.shape)
                                                    if a not in normalize_axes(axis, x.ndim)])


def _truth(x: Any, axis: Any, keepdims: bool, aggregation: str, empty: bool) -> PlaidTensor:
    x = as_tensor(x)
    if x.size == 0:
        axes = normalize_axes(axis, x.ndim)
        shape = [1 if a in axes else s for a, s in enumerate(x.shape)] if keepdims else \
            [s for a, s in enumerate(x.shape) if a not in axes]
        return host_tensor(np.full(shape, empty))
    return cast(reduce(cast(cast(x, "bool"), "int32"), axis, keepdims, aggregation, "int32"), "bool")


def any(x: Any, axis: Any = None, keepdims: bool = False) -> PlaidTensor:
    return _truth(x, axis, keepdims, "max", False)


def all(x: Any, axis: Any = None, keepdims: bool = False) -> PlaidTensor:
    return _truth(x, axis, keepdims, "min", True)


def _arg(x: Any, axis: Any, keepdims: bool, pick: str) -> PlaidTensor:
    x = as_tensor(x)
    if axis is None:
        flat = reshape(x, (-1,))
        found = _arg(flat, 0, False, pick)
        return reshape(found, (1,) * x.ndim) if keepdims else found
    axis = normalize_axis(axis, x.ndim)
    if x.shape[axis] == 0:
        raise ValueError("cannot take the arg" + pick + " of an empty axis")
    work = "int32" if x.dtype == "bool" else x.dtype
    values = cast(x, work)
    best = reduce(values, axis, True, pick, work)
    size = x.shape[axis]
    # NaN counts as the extreme value, like numpy.
    candidates = emit(f"H = I0 == I1 ? 1 : {is_nan('I0')}; O = H ? {position('I0', axis, size)} : {size};",
                      [values, best], values.shape, "int32")
    return reduce(candidates, axis, keepdims, "min", "int32")


def argmax(x: Any, axis: Any = None, keepdims: bool = False) -> PlaidTensor:
    return _arg(x, axis, keepdims, "max")


def argmin(x: Any, axis: Any = None, keepdims: bool = False) -> PlaidTensor:
    return _arg(x, axis, keepdims, "min")


def _cumulative(x: Any, axis: Any, aggregation: str) -> PlaidTensor:
    x = as_tensor(x)
    if axis is None:
        x, axis = reshape(x, (-1,)), 0
    axis = normalize_axis(axis, x.ndim)
    dtype = "int32" if x.dtype == "bool" else x.dtype
    if x.size == 0:
        return host_tensor(np.zeros(x.shape, dtype))
    names = index_names(x.ndim)
    source = [f"{name} - k" if a == axis else name for a, name in enumerate(names)]
    body = (f"C = {cast_expression('I0', dtype, x.dtype)}; O[{', '.join(names)}: {', '.join(map(str, x.shape))}] = "
            f"{aggregation}(C[{', '.join(source)}]), k < {x.shape[axis]};")
    return emit(body, [x], x.shape, dtype)


def cumsum(x: Any, axis: Any = None) -> PlaidTensor:
    return _cumulative(x, axis, "+")


def cumprod(x: Any, axis: Any = None) -> PlaidTensor:
    """Doubling scan (Hillis-Steele) of products: PlaidML cannot differentiate its product aggregation."""
    x = as_tensor(x)
    if axis is None:
        x, axis = reshape(x, (-1,)), 0
    axis = normalize_axis(axis, x.ndim)
    result = cast(x, "int32" if x.dtype == "bool" else x.dtype)
    size, shift = x.shape[axis], 1
    while shift < size:
        sizes = list(result.shape)
        sizes[axis] = size - shift
        widths = [(0, 0)] * x.ndim
        widths[axis] = (shift, 0)
        shifted = pad_constant(strided(result, [0] * x.ndim, [1] * x.ndim, sizes), widths, 1)
        result = multiply(result, shifted)
        shift *= 2
    return result


def _ranked(x: PlaidTensor, axis: int, descending: bool) -> tuple[PlaidTensor, PlaidTensor]:
    """(values, int32 indices) along ``axis`` in order, ties by position (O(n^2) comparisons)."""
    axis = normalize_axis(axis, x.ndim)
    moved = moveaxis(x, axis, -1)
    work = "int32" if x.dtype == "bool" else x.dtype
    rows = cast(reshape(moved, (-1, moved.shape[-1])) if moved.ndim else reshape(moved, (1, 1)), work)
    batch, size = rows.shape
    before = ">" if descending else "<"
    body = (f"A[b, i, j: {batch}, {size}, {size}] = =(I0[b, i]), j < {size}; "
            f"B[b, i, j: {batch}, {size}, {size}] = =(I0[b, j]), i < {size}; "
            f"L = B {before} A; E = B == A; J = {position('A', 2, size)} < {position('A', 1, size)}; "
            f"C = L ? 1 : (E ? (J ? 1 : 0) : 0); R[b, i: {batch}, {size}] = +(C[b, i, j]); "
            f"H[b, i, k: {batch}, {size}, {size}] = =(R[b, i]), k < {size}; "
            f"P = H == {position('H', 2, size)}; ")
    values = emit(body + f"V = P ? A : 0; O[b, k: {batch}, {size}] = +(V[b, i, k]);", [rows], rows.shape, work)
    order = emit(body + f"V = P ? {position('H', 1, size)} : 0; O[b, k: {batch}, {size}] = +(V[b, i, k]);",
                 [rows], rows.shape,
                 "int32")

    def restore(flat: PlaidTensor) -> PlaidTensor:
        return moveaxis(reshape(flat, moved.shape), -1, axis)

    return cast(restore(values), x.dtype), restore(order)


def sort(x: Any, axis: int = -1) -> PlaidTensor:
    x = as_tensor(x)
    return x if x.size == 0 else _ranked(x, axis, False)[0]


def argsort(x: Any, axis: int = -1) -> PlaidTensor:
    x = as_tensor(x)
    return host_tensor(np.zeros(x.shape, np.int32)) if x.size == 0 else _ranked(x, axis, False)[1]


def top_k(x: Any, k: int, sorted: bool = True) -> tuple[PlaidTensor, PlaidTensor]:
    x = as_tensor(x)
    if x.ndim < 1 or not 0 <= k <= x.shape[-1]:
        raise ValueError(f"top_k needs 0 <= k <= {x.shape[-1] if x.ndim else 0}; received k={k}")
    values, order = _ranked(x, -1, True)
    starts, steps = [0] * x.ndim, [1] * x.ndim
    sizes = list(x.shape[:-1]) + [int(k)]
    return strided(values, starts, steps, sizes), strided(order, starts, steps, sizes)


def softmax(x: Any, axis: Any = -1) -> PlaidTensor:
    x = _float(as_tensor(x))
    shifted = exp(subtract(x, _finite_max(x, axis)))
    return divide(shifted, reduce(shifted, axis, True, "sum", x.dtype))


def log_softmax(x: Any, axis: Any = -1) -> PlaidTensor:
    x = _float(as_tensor(x))
    shifted = subtract(x, _finite_max(x, axis))
    return subtract(shifted, log(reduce(exp(shifted), axis, True, "sum", x.dtype)))


def moments(x: Any, axes: Any, keepdims: bool = False) -> tuple[PlaidTensor, PlaidTensor]:
    return mean(x, axes, keepdims), var(x, axes, keepdims)


def norm(x: Any, ord: Any = None, axis: Any = None, keepdims: bool = False) -> PlaidTensor:
    x = _float(as_tensor(x))
    matrix = (axis is None and x.ndim == 2 and ord is not None) or (axis is not None and not isinstance(axis, int)
                                                                    and len(tuple(axis)) == 2)
    if axis is None and not matrix:
        flat = reshape(x, (-1,))
        result = norm(flat, ord, 0)
        return reshape(result, (1,) * x.ndim) if keepdims else result
    if not matrix:
        axes = (axis,) if isinstance(axis, int) else tuple(axis)
        if ord is None or ord == 2:
            return sqrt(sum(square(x), axes, keepdims))
        if ord == np.inf:
            return max(absolute(x), axes, keepdims)
        if ord == -np.inf:
            return min(absolute(x), axes, keepdims)
        if ord == 0:
            return sum(cast(cast(x, "bool"), "float32"), axes, keepdims)
        if ord == 1:
            return sum(absolute(x), axes, keepdims)
        if isinstance(ord, str):
            raise ValueError(f"ord {ord!r} needs a matrix (two axes)")
        return power(sum(power(absolute(x), float(ord)), axes, keepdims), 1.0 / float(ord))
    rows, columns = normalize_axes((0, 1) if axis is None else axis, x.ndim)
    if ord in (None, "fro"):
        return sqrt(sum(square(x), (rows, columns), keepdims))
    if ord in (1, -1, np.inf, -np.inf):
        summed_axis, picked_axis = (rows, columns) if ord in (1, -1) else (columns, rows)
        pick = max if ord in (1, np.inf) else min
        sums = sum(absolute(x), summed_axis, True)
        result = pick(sums, picked_axis, True)
        return result if keepdims else reshape(result, [s for a, s in enumerate(result.shape)
                                                        if a not in (rows, columns)])
    raise ValueError(f"the plaidml backend computes matrix norms with ord None, 'fro', 1, -1, inf or -inf; "
                     f"received {ord!r} (ord=2 needs a singular value decomposition, which Tile lacks)")


def _letters(count: int, used: str) -> list[str]:
    free = [ch for ch in string.ascii_letters if ch not in used]
    return free[:count]


def _contract(terms: Sequence[str], operands: Sequence[PlaidTensor], output: str, dtype: str) -> PlaidTensor:
    sizes: dict[str, int] = {}
    for term, operand in zip(terms, operands):
        if len(term) != operand.ndim:
            raise ValueError(f"einsum term {term!r} does not match an operand of shape {list(operand.shape)}")
        for letter, size in zip(term, operand.shape):
            if sizes.setdefault(letter, size) != size:
                if size != 1 and sizes[letter] != 1:
                    raise ValueError(f"einsum index {letter!r} has sizes {sizes[letter]} and {size}")
                sizes[letter] = builtins_max(size, sizes[letter])
    name = {letter: f"x{ord(letter)}" for letter in sizes}
    shape = [sizes[letter] for letter in output]
    casts = " ".join(f"C{i} = {cast_expression(f'I{i}', dtype, operand.dtype)};"
                     for i, operand in enumerate(operands))
    seen: set[int] = set()
    for i, operand in enumerate(operands):
        if id(operand.value) in seen:
            # PlaidML 0.7.0 reads both factors of a contraction with the first one's index map
            # when they are the same tensor; a contraction copy makes them distinct.
            every = index_names(operand.ndim, "c")
            target = f"[{', '.join(every)}: {', '.join(map(str, operand.shape))}]" if operand.ndim else "[]"
            casts += f" D{i}{target} = =(C{i}[{', '.join(every)}]); C{i}x = D{i};"
        seen.add(id(operand.value))
    # A size-1 dimension against a larger one broadcasts: it is read at 0 (Tile skips reads
    # outside a tensor, which would otherwise drop the terms).
    def read(i: int, term: str, operand: PlaidTensor) -> str:
        places = ", ".join("0" if size == 1 and sizes[letter] > 1 else name[letter]
                           for letter, size in zip(term, operand.shape))
        return f"C{i}{'x' if f' C{i}x = ' in casts else ''}[{places}]"

    reads = " * ".join(read(i, term, operand) for i, (term, operand) in enumerate(zip(terms, operands)))
    target = f"O[{', '.join(name[l] for l in output)}: {', '.join(map(str, shape))}]" if output else "O[]"
    if builtins_any(size == 0 for size in sizes.values()):
        return host_tensor(np.zeros(shape, dtype))
    return emit(f"{casts} {target} = +({reads});", operands, shape, dtype)


builtins_max = __builtins__["max"] if isinstance(__builtins__, dict) else __builtins__.max
builtins_any = __builtins__["any"] if isinstance(__builtins__, dict) else __builtins__.any


def einsum(subscripts: str, *operands: Any) -> PlaidTensor:
    tensors = [as_tensor(operand) for operand in operands]
    dtype = dtypes.result_type(*tensors)
    if dtype == "bool":
        dtype = "int32"
    spec = subscripts.replace(" ", "")
    inputs, _, output = spec.partition("->")
    terms = inputs.split(",")
    if len(terms) != len(tensors):
        raise ValueError(f"einsum {subscripts!r} names {len(terms)} operands; received {len(tensors)}")
    filler = ""
    if "." in spec:
        # "..." stands for the same letters in every term, aligned on the right like broadcasting.
        widths = [t.ndim - len(term.replace("...", "")) for term, t in zip(terms, tensors)]
        filler = "".join(_letters(builtins_max(widths), spec))
        terms = [term.replace("...", filler[len(filler) - width:]) for term, width in zip(terms, widths)]
        output = output.replace("...", filler)
    if "->" not in spec:
        letters = "".join(terms)
        output = filler + "".join(sorted(l for l in set(letters) if letters.count(l) == 1 and l not in filler))
    while len(terms) > 2:
        rest = "".join(terms[2:]) + output
        keep = "".join(dict.fromkeys(l for l in terms[0] + terms[1] if l in rest))
        tensors = [_contract(terms[:2], tensors[:2], keep, dtype)] + tensors[2:]
        terms = [keep] + terms[2:]
    return _contract(terms, tensors, output, dtype)


def matmul(x1: Any, x2: Any) -> PlaidTensor:
    a, b = as_tensor(x1), as_tensor(x2)
    if a.ndim == 0 or b.ndim == 0:
        raise ValueError("matmul needs tensors of ndim >= 1")
    squeeze_a, squeeze_b = a.ndim == 1, b.ndim == 1
    a = reshape(a, (1, a.shape[0])) if squeeze_a else a
    b = reshape(b, (b.shape[0], 1)) if squeeze_b else b
    if a.shape[-1] != b.shape[-2]:
        raise ValueError(f"matmul inner dimensions differ: {list(x1.shape)} and {list(x2.shape)}")
    batch = tuple(np.broadcast_shapes(a.shape[:-2], b.shape[:-2]))
    letters = "abcdefgh"[:len(batch)]
    term_a = letters[len(batch) - (a.ndim - 2):] + "ij"
    term_b = letters[len(batch) - (b.ndim - 2):] + "jk"
    dtype = dtypes.result_type(a, b)
    result = _contract([term_a, term_b], [a, b], letters + "ik", "int32" if dtype == "bool" else dtype)
    shape = list(result.shape)
    if squeeze_b:
        shape.pop(-1)
    if squeeze_a:
        shape.pop(-2 if not squeeze_b else -1)
    return reshape(result, shape)


def tensordot(x1: Any, x2: Any, axes: Any = 2) -> PlaidTensor:
    a, b = as_tensor(x1), as_tensor(x2)
    if isinstance(axes, int):
        axes_a, axes_b = list(range(a.ndim - axes, a.ndim)), list(range(axes))
    else:
        axes_a, axes_b = ([axes[0]] if isinstance(axes[0], int) else list(axes[0]),
                          [axes[1]] if isinstance(axes[1], int) else list(axes[1]))
    axes_a = [normalize_axis(axis, a.ndim) for axis in axes_a]
    axes_b = [normalize_axis(axis, b.ndim) for axis in axes_b]
    if len(axes_a) != len(axes_b) or builtins_any(a.shape[i] != b.shape[j] for i, j in zip(axes_a, axes_b)):
        raise ValueError(f"tensordot axes {axes!r} pair dimensions of different sizes")
    letters = iter(string.ascii_letters)
    term_a = [next(letters) for _ in range(a.ndim)]
    term_b = [next(letters) for _ in range(b.ndim)]
    for i, j in zip(axes_a, axes_b):
        term_b[j] = term_a[i]
    output = [l for i, l in enumerate(term_a) if i not in axes_a] + [l for j, l in enumerate(term_b) if j not in axes_b]
    return einsum(f"{''.join(term_a)},{''.join(term_b)}->{''.join(output)}", a, b)


__all__ = ["all", "any", "argmax", "argmin", "argsort", "cumprod", "cumsum", "einsum", "log_softmax", "logsumexp",
           "matmul", "max", "mean", "min", "moments", "norm", "prod", "softmax", "sort", "std", "sum", "tensordot",
           "top_k", "var"]
