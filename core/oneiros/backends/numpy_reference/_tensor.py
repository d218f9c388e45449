"""Tensors are numpy arrays of a supported dtype; these helpers convert, promote and cast them.

Half-precision math is computed in float32 and cast back, so results do not depend on numpy's
float16 kernels or on which ufuncs ml_dtypes implements for bfloat16.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any, Union

import numpy as np

from oneiros import dtypes
from oneiros.backend.host_arrays import narrowed_numpy

Operand = Union[bool, int, float, np.ndarray]

HALF_FLOATS = frozenset({"float16", "bfloat16"})


def numpy_dtype(dtype: Any) -> np.dtype:
    """The numpy dtype for a supported dtype name (bfloat16 comes from ml_dtypes)."""
    try:
        name = dtypes.name_of(dtype)
    except dtypes.DtypeError as exc:
        raise TypeError(str(exc)) from None
    if name == "bfloat16":
        return _bfloat16()
    return np.dtype(name)


def _bfloat16() -> np.dtype:
    try:
        import ml_dtypes
    except ImportError as exc:
        raise TypeError(
            "bfloat16 tensors on the numpy backend need the ml_dtypes package "
            "(pip install ml_dtypes)."
        ) from exc
    return np.dtype(ml_dtypes.bfloat16)


def as_tensor(value: Any) -> np.ndarray:
    """``value`` as an array of a supported dtype; 64-bit dtypes are narrowed to 32 bits."""
    return narrowed_numpy(value)


def is_python_scalar(value: Any) -> bool:
    """A Python bool, int or float (numpy scalars, though some subclass float, are not)."""
    return isinstance(value, (bool, int, float)) and not isinstance(value, np.generic)


def operand(value: Any) -> Operand:
    """A Python bool/int/float stays a (weakly typed) scalar; anything else becomes a tensor."""
    return value if is_python_scalar(value) else as_tensor(value)


def compute_dtype(name: str) -> np.dtype:
    """The dtype math on ``name`` values runs in: float32 for half floats, else ``name``."""
    return np.dtype(np.float32) if name in HALF_FLOATS else numpy_dtype(name)


def float_result(name: str) -> str:
    """The dtype of a float-valued op of a ``name`` input: floats stay, the rest give float32."""
    return name if name in dtypes.FLOATS else dtypes.DEFAULT_FLOAT


def to_compute(value: Operand, name: str) -> np.ndarray:
    """``value`` as an array in the compute dtype of result dtype ``name``.

    A Python int that the dtype cannot hold raises OverflowError (numpy >= 2) rather than wrap.
    """
    if isinstance(value, np.ndarray):
        return value.astype(compute_dtype(name), copy=False)
    return np.asarray(value, dtype=compute_dtype(name))


def finish(value: Any, name: str) -> np.ndarray:
    """``value`` as an array of dtype ``name`` (never a numpy scalar)."""
    return np.asarray(np.asarray(value).astype(numpy_dtype(name), copy=False))


def shape_tuple(shape: Any) -> tuple[int, ...]:
    """A shape given as an int or a sequence of non-negative ints, as a tuple."""
    dims = (shape,) if isinstance(shape, (int, np.integer)) else tuple(shape)
    if not all(isinstance(dim, (int, np.integer)) and dim >= 0 for dim in dims):
        raise ValueError(f"A shape must hold non-negative ints; received {shape!r}.")
    return tuple(int(dim) for dim in dims)


def lowest(name: str) -> Any:
    """The smallest value a ``name`` tensor can hold (-inf for floats)."""
    if name == "bool":
        return False
    if name in dtypes.FLOATS:
        return -np.inf
    return np.iinfo(numpy_dtype(name)).min


def check_int(array: np.ndarray, what: str) -> None:
    if array.dtype.name not in dtypes.SIGNED + dtypes.UNSIGNED:
        raise TypeError(f"{what} must be an integer tensor; received dtype {array.dtype.name}.")


@contextlib.contextmanager
def quiet() -> Iterator[None]:
    """Float edge cases (log(0), x/0, overflow) give inf/nan as on every backend, silently."""
    with np.errstate(all="ignore"):
        yield


def elementwise(fn: Callable[..., Any], result: Callable[[str], str] | None,
                *values: Any) -> np.ndarray:
    """Applies ``fn`` to ``values`` promoted together; ``result`` maps the promoted dtype name
    to the output dtype name (default: the promoted dtype)."""
    operands = [operand(value) for value in values]
    promoted = dtypes.result_type(*operands)
    out_name = result(promoted) if result is not None else promoted
    work_name = out_name if out_name != "bool" else promoted
    with quiet():
        value = fn(*(to_compute(item, work_name) for item in operands))
    return finish(value, out_name)
