"""Arguments as PyTensor variables, and the dtype rules of ``oneiros.dtypes`` on top of PyTensor's.

PyTensor follows numpy's promotion (int32 / int32 is float64, a Python float makes float64),
so ops compute the contract's result dtype with ``oneiros.dtypes.result_type`` and cast their
inputs to it first. PyTensor has no bfloat16, so the backend does not declare ``bfloat16``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytensor.tensor as pt
from oneiros import dtypes
from oneiros.backend.host_arrays import narrowed_numpy
from oneiros.dtypes import DtypeError
from pytensor.graph.basic import Variable

SUPPORTED = tuple(name for name in dtypes.SUPPORTED if name != "bfloat16")


def dtype_name(dtype: Any) -> str:
    """A supported dtype name for ``dtype`` (a name, numpy dtype or scalar type); 64 bits narrowed."""
    name = dtypes.name_of(dtype)
    if name not in SUPPORTED:
        raise DtypeError(f"The pytensor backend has no {name} tensors; expected one of {', '.join(SUPPORTED)}.")
    return name


def as_numpy(value: Any) -> np.ndarray:
    array = narrowed_numpy(value)
    dtype_name(array.dtype)
    return array


def tensor(value: Any, dtype: Any = None) -> Any:
    """``value`` as a PyTensor variable, cast to ``dtype`` when given."""
    if isinstance(value, Variable):
        variable = value
    else:
        array = as_numpy(value)
        if dtype is not None:
            array = array.astype(dtype_name(dtype))
        variable = pt.constant(array)
    if dtype is not None and variable.dtype != dtype_name(dtype):
        return pt.cast(variable, dtype_name(dtype))
    return variable


def promoted(*values: Any) -> tuple[list[Any], str]:
    """The values as variables of their common dtype (Python scalars weakly typed), and its name."""
    name = dtypes.result_type(*(value if isinstance(value, (Variable, bool, int, float)) else as_numpy(value)
                                for value in values))
    return [tensor(value, name) for value in values], name


def float_name(dtype: Any) -> str:
    """The dtype of a float-valued op's result: floats stay, bool and ints give float32."""
    name = dtype_name(dtype)
    return name if name in dtypes.FLOATS else dtypes.DEFAULT_FLOAT


def as_float(value: Any) -> Any:
    x = tensor(value)
    return tensor(x, float_name(x.dtype))


def finish(x: Any, dtype: Any) -> Any:
    """``x`` cast to ``dtype`` when PyTensor computed another one."""
    name = dtype_name(dtype)
    return x if x.dtype == name else pt.cast(x, name)


def static_shape(x: Any) -> tuple[int, ...]:
    """The shape of ``x`` as Python ints, read from the graph when PyTensor's type lacks it."""
    x = tensor(x)
    known = x.type.shape
    if all(size is not None for size in known):
        return tuple(int(size) for size in known)
    from pytensor.tensor.basic import get_scalar_constant_value
    from pytensor.tensor.exceptions import NotScalarConstantError

    sizes = []
    for axis, size in enumerate(known):
        if size is None:
            try:
                size = get_scalar_constant_value(x.shape[axis])
            except NotScalarConstantError as exc:
                raise ValueError(f"The size of axis {axis} of {x} is not known while tracing.") from exc
        sizes.append(int(size))
    return tuple(sizes)


def axes_tuple(axis: Any, ndim: int, what: str = "axis") -> tuple[int, ...]:
    """``axis`` (None = all, an int or a sequence) as sorted non-negative ints within ``ndim``."""
    if axis is None:
        return tuple(range(ndim))
    items = (axis,) if isinstance(axis, (int, np.integer)) else tuple(axis)
    result = []
    for item in items:
        if not isinstance(item, (int, np.integer)) or not -ndim <= item < ndim:
            raise ValueError(f"{what} {axis!r} is out of range for a tensor of ndim {ndim}.")
        result.append(int(item) % ndim)
    if len(set(result)) != len(result):
        raise ValueError(f"{what} {axis!r} repeats an axis.")
    return tuple(sorted(result))


def lowest(dtype: str) -> Any:
    if dtype in dtypes.FLOATS:
        return -np.inf
    if dtype == "bool":
        return False
    return np.iinfo(dtype).min


def compute_name(name: str) -> str:
    """The dtype an op computes in: float16 math runs in float32 and is rounded at the end."""
    return dtypes.DEFAULT_FLOAT if name == "float16" else name


def promoted_compute(*values: Any) -> tuple[list[Any], str]:
    """Like :func:`promoted`, the variables in the compute dtype; the result dtype's name."""
    variables, name = promoted(*values)
    work = compute_name(name)
    return [finish(variable, work) for variable in variables], name
