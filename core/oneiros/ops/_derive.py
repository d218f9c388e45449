"""Helpers the derived ops' definitions share: dtypes and static shapes read through ``oneiros.ops``."""

from __future__ import annotations

import builtins
from typing import Any

import numpy as np

from oneiros import dtypes, ops


def tensor(x: Any) -> Any:
    """``x`` as a backend tensor (Python scalars and array-likes converted, tensors unchanged)."""
    return x if ops.is_tensor(x) else ops.convert_to_tensor(x)


def dtype_or_scalar(x: Any) -> Any:
    """A tensor's dtype name, or a Python scalar itself (weakly typed in promotion)."""
    if isinstance(x, (bool, int, float)) and not isinstance(x, np.generic):
        return x
    return ops.dtype(tensor(x))


def result_dtype(*values: Any) -> str:
    """The dtype a binary op gives for these operands (see ``oneiros.dtypes.result_type``)."""
    return dtypes.result_type(*(dtype_or_scalar(value) for value in values))


def float_dtype(name: str) -> str:
    """The dtype of a float-valued op of a ``name`` input: floats stay, the rest give float32."""
    return name if name in dtypes.FLOATS else dtypes.DEFAULT_FLOAT


def floating(x: Any) -> Any:
    """``x`` as a float tensor: float dtypes stay, integers and bools become float32."""
    x = tensor(x)
    name = ops.dtype(x)
    return x if name in dtypes.FLOATS else ops.cast(x, dtypes.DEFAULT_FLOAT)


def floating_pair(x1: Any, x2: Any) -> tuple[Any, Any]:
    """Both operands in the float dtype of their promotion (Python scalars stay weak)."""
    name = float_dtype(result_dtype(x1, x2))
    return tuple(value if isinstance(value, (bool, int, float)) and not isinstance(value, np.generic)
                 else ops.cast(tensor(value), name) for value in (x1, x2))


def is_float(x: Any) -> bool:
    return ops.dtype(tensor(x)) in dtypes.FLOATS


def require_integers(name: str, *values: Any) -> None:
    """Refuses non-integer operands of an integer-only op, naming what was received."""
    received = [dtype_or_scalar(value) for value in values]
    kinds = [type(item).__name__ if not isinstance(item, str) else item for item in received]
    if not builtins.all(kind in (*dtypes.SIGNED, *dtypes.UNSIGNED, "int", "bool") for kind in kinds):
        raise TypeError(f"{name} needs integer (or bool) tensors; received dtypes {kinds}.")


def normalized_axis(axis: int, ndim: int) -> int:
    if not -ndim <= axis < builtins.max(ndim, 1):
        raise ValueError(f"axis {axis} is out of range for a tensor of rank {ndim}; expected [-{ndim}, {ndim}).")
    return axis % builtins.max(ndim, 1)


def finfo(name: str) -> Any:
    """numpy's float limits for a float dtype name (bfloat16's from ml_dtypes)."""
    if name == "bfloat16":
        import ml_dtypes

        return ml_dtypes.finfo(ml_dtypes.bfloat16)
    return np.finfo(name)


NOT_DIFF = {"differentiable": False}


DATA_DEPENDENT = " (the output size depends on the values: eager only, as in numpy)"


def without_nan(x, replacement):
    x = tensor(x)
    if not is_float(x):
        return x
    return ops.where(ops.isnan(x), ops.full_like(x, replacement), x)


def along(x, axis, start, stop):
    """x[start:stop] along ``axis`` (static bounds)."""
    shape = list(ops.shape(x))
    axis = normalized_axis(axis, len(shape))
    begin = [0] * len(shape)
    begin[axis] = start
    shape[axis] = stop - start
    return ops.slice(x, begin, shape)
