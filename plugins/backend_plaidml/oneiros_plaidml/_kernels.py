"""What the elementwise lowerings are built from: operand promotion, the broadcast shape and
``apply(statements, ...)``, which emits one Tile function over broadcast operands."""

from __future__ import annotations

from typing import Any

import numpy as np

from oneiros import dtypes

from oneiros_plaidml._tensor import PlaidTensor, as_tensor, cast_expression, emit, scalar_like


FLOAT_MAX = "3.4028234663852886e38"


PI = "3.141592653589793"


def _result_dtype(*values: Any) -> str:
    return dtypes.result_type(*(value if not isinstance(value, (np.ndarray, np.generic)) else as_tensor(value)
                                for value in values))


def _operands(values: tuple[Any, ...], dtype: str) -> list[PlaidTensor]:
    return [scalar_like(value, dtype) if not isinstance(value, (PlaidTensor, np.ndarray, np.generic))
            else as_tensor(value) for value in values]


def _shape(tensors: list[PlaidTensor]) -> tuple[int, ...]:
    try:
        return tuple(np.broadcast_shapes(*(tensor.shape for tensor in tensors)))
    except ValueError:
        shapes = " and ".join(str(list(tensor.shape)) for tensor in tensors)
        raise ValueError(f"shapes {shapes} do not broadcast together") from None


def apply(statements: str, values: tuple[Any, ...], compute: str, result: str) -> PlaidTensor:
    """Runs ``statements`` (over A, B, C: the operands cast to ``compute``, defining R) and casts
    R to ``result``."""
    tensors = _operands(values, compute)
    shape = _shape(tensors)
    letters = "ABC"
    casts = " ".join(f"{letters[index]} = {cast_expression(f'I{index}', compute, tensor.dtype)};"
                     for index, tensor in enumerate(tensors))
    final = cast_expression("R", result, compute if compute in dtypes.FLOATS else None)
    return emit(f"{casts} {statements} O = {final};", tensors, shape, result)


def _float_kind(dtype: str) -> str:
    return dtype if dtype in dtypes.FLOATS else "float32"


def _binary(statements: str, kind: str = "same"):
    """kind: "same" (promoted dtype), "float" (float result), "bool" (comparison)."""

    def op(x1: Any, x2: Any) -> PlaidTensor:
        dtype = _result_dtype(x1, x2)
        if kind == "float":
            dtype = _float_kind(dtype)
        if dtype == "bool" and kind == "same":
            # Tile has no bool arithmetic (it aborts); bools add and multiply as ints, like numpy.
            return apply(statements, (x1, x2), "int32", "bool")
        return apply(statements, (x1, x2), dtype, "bool" if kind == "bool" else dtype)

    return op


def _unary(statements: str, kind: str = "same"):
    """kind: "same", "float" (ints give float32) or "bool"."""

    def op(x: Any) -> PlaidTensor:
        x = as_tensor(x)
        compute = _float_kind(x.dtype) if kind == "float" else x.dtype
        return apply(statements, (x,), compute, "bool" if kind == "bool" else compute)

    return op


# Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7): Tile has no erf.
ERF = ("S = A < 0 ? -1.0 : 1.0; X = S * A; T = 1 / (1 + 0.3275911 * X); "
       "P = T * (0.254829592 + T * (-0.284496736 + T * (1.421413741 + T * (-1.453152027 + T * 1.061405429)))); "
       "R = S * (1 - P * exp(-X * X));")


def _activation(statements: str):
    op = _unary(statements, "float")

    def activation(x: Any) -> PlaidTensor:
        return op(x)

    return activation


SOFTPLUS = "M = A > 0 ? A : 0; N = A > 0 ? -A : A; R = M + log(1 + exp(N));"
