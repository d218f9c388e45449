"""Matrix products, einsum, tensordot and norms as Tile contractions."""

from __future__ import annotations

import string
from collections.abc import Sequence
from typing import Any

import numpy as np

from oneiros import dtypes

from oneiros_plaidml._core import cast
from oneiros_plaidml._math import abs as absolute, power, sqrt, square
from oneiros_plaidml._reduction import _float, builtins_any, builtins_max, max, min, sum
from oneiros_plaidml._shape import index_names, normalize_axes, normalize_axis, reshape
from oneiros_plaidml._tensor import PlaidTensor, as_tensor, cast_expression, emit, host_tensor

__all__ = ["einsum", "matmul", "norm", "tensordot"]


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
