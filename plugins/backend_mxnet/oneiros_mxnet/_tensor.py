"""Tensors, dtypes and promotion on MXNet.

MXNet 1.9 holds bool, uint8, int8, int32, int64, float16, float32 and float64. The contract's
int16, uint16 and uint32 are held exactly in a wider MXNet integer (int32, int32, int64) by a
:class:`WideIntArray`, which remembers the dtype it stands for; arithmetic on them wraps to that
dtype's range, as the narrow type would. bfloat16 has no CPU kernels in MXNet 1.9: asking for it
raises a TypeError (the backend does not declare the ``bfloat16`` capability).

Math on float16 runs in float32 and is rounded back, as the numpy reference does.
"""

from __future__ import annotations

import ctypes
from collections.abc import Callable
from typing import Any, Union

import mxnet
import numpy as np
from mxnet import numpy as mnp
from mxnet.base import NDArrayHandle, _LIB, check_call
from oneiros import dtypes
from oneiros.backend.host_arrays import narrowed_numpy

from oneiros_mxnet._host import shared_constant, upload
from oneiros_mxnet._layout import ChannelsLastView

Operand = Union[bool, int, float, mnp.ndarray]

WIDE_STORAGE = {"int16": "int32", "uint16": "int32", "uint32": "int64"}
HALF_FLOATS = frozenset({"float16", "bfloat16"})
# MXNet's dtype flags (mshadow's type enum) -> (MXNet dtype name, contract dtype name).
_FLAGS = {
    0: ("float32", "float32"), 1: ("float64", "float32"), 2: ("float16", "float16"), 3: ("uint8", "uint8"),
    4: ("int32", "int32"), 5: ("int8", "int8"), 6: ("int64", "int32"), 7: ("bool", "bool"),
}
_MXNET_NAMES = dict(_FLAGS.values())


class WideIntArray(mnp.ndarray):
    """An MXNet integer array standing for a narrower integer dtype MXNet lacks."""

    __slots__ = ("oneiros_dtype",)

    def asnumpy(self) -> np.ndarray:
        return super().asnumpy().astype(self.oneiros_dtype)

    def __getitem__(self, key: Any) -> Any:
        return tagged(super().__getitem__(key), self.oneiros_dtype)


def _view(array: mnp.ndarray, kind: type) -> Any:
    """A new ``kind`` array object sharing ``array``'s memory and engine variable."""
    handle = NDArrayHandle()
    check_call(_LIB.MXShallowCopyNDArray(array.handle, ctypes.byref(handle)))
    return kind(handle, writable=array.writable)


def fresh_view(x: mnp.ndarray) -> mnp.ndarray:
    """A new plain array object over ``x``'s memory (its own autograd identity)."""
    return _view(x, mnp.ndarray)


def tagged(storage: mnp.ndarray, name: str) -> WideIntArray:
    """A :class:`WideIntArray` sharing ``storage``'s memory, standing for dtype ``name``."""
    wide = _view(storage, WideIntArray)
    wide.oneiros_dtype = name
    return wide


def mxnet_dtype(x: mnp.ndarray) -> str:
    """The name of the MXNet dtype ``x`` is stored in (one C call; ``x.dtype`` makes several)."""
    flag = ctypes.c_int()
    check_call(_LIB.MXNDArrayGetDType(x.handle, ctypes.byref(flag)))
    return _FLAGS[flag.value][0]


def dtype_name(x: mnp.ndarray | ChannelsLastView) -> str:
    """The contract dtype name of an MXNet tensor."""
    if type(x) is WideIntArray:
        return x.oneiros_dtype
    if type(x) is ChannelsLastView:
        return _MXNET_NAMES[x.dtype.name]
    flag = ctypes.c_int()
    check_call(_LIB.MXNDArrayGetDType(x.handle, ctypes.byref(flag)))
    return _FLAGS[flag.value][1]


def dtype_kind(x: mnp.ndarray) -> str:
    """numpy's kind letter of ``x``'s MXNet dtype: "b", "i", "u" or "f"."""
    return np.dtype(mxnet_dtype(x)).kind


def supported_name(dtype: Any) -> str:
    """The contract name of ``dtype``, refusing the ones MXNet cannot compute in."""
    try:
        name = dtypes.name_of(dtype)
    except dtypes.DtypeError as exc:
        raise TypeError(str(exc)) from None
    if name == "bfloat16":
        raise TypeError(
            "The MXNet backend has no bfloat16: MXNet 1.9 has no bfloat16 kernels for its numpy "
            "operators on CPU. Use float16 or float32."
        )
    return name


def storage_dtype(name: str) -> str:
    """The MXNet dtype holding values of contract dtype ``name``."""
    return WIDE_STORAGE.get(name, name)


def compute_dtype(name: str) -> str:
    """The MXNet dtype math on ``name`` values runs in (float32 for halves, int32 for bools)."""
    if name in HALF_FLOATS:
        return "float32"
    if name == "bool":
        return "int32"
    return storage_dtype(name)


def float_result(name: str) -> str:
    """The dtype of a float-valued op of a ``name`` input: floats stay, the rest give float32."""
    return name if name in dtypes.FLOATS else dtypes.DEFAULT_FLOAT


def is_python_scalar(value: Any) -> bool:
    return isinstance(value, (bool, int, float)) and not isinstance(value, np.generic)


def from_numpy(array: np.ndarray) -> mnp.ndarray:
    """An MXNet tensor holding a copy of the numpy ``array`` (of a supported dtype)."""
    name = supported_name(array.dtype)
    storage = upload(np.array(array, dtype=storage_dtype(name), order="C"))
    return tagged(storage, name) if name in WIDE_STORAGE else storage


def as_tensor(value: Any) -> mnp.ndarray:
    """``value`` as an MXNet tensor of a supported dtype; 64-bit dtypes are narrowed to 32 bits."""
    if type(value) is ChannelsLastView:
        return value.materialize()
    if isinstance(value, mnp.ndarray):
        if type(value) is not WideIntArray and mxnet_dtype(value) in ("float64", "int64"):
            return value.astype(dtype_name(value), copy=False)
        return value
    if isinstance(value, mxnet.nd.NDArray):
        return as_tensor(value.as_np_ndarray())
    return from_numpy(narrowed_numpy(value))


def to_numpy(value: Any) -> np.ndarray:
    if isinstance(value, (mxnet.nd.NDArray, ChannelsLastView)):
        return narrowed_numpy(as_tensor(value).asnumpy())
    return np.array(narrowed_numpy(value))


def operand(value: Any) -> Operand:
    """A Python bool/int/float stays a (weakly typed) scalar; anything else becomes a tensor."""
    return value if is_python_scalar(value) else as_tensor(value)


def operand_dtype(value: Operand) -> Any:
    """What :func:`oneiros.dtypes.result_type` needs: the dtype name, or the Python scalar."""
    return value if is_python_scalar(value) else dtype_name(value)


def storage(x: mnp.ndarray) -> mnp.ndarray:
    """The plain MXNet array under ``x`` (a WideIntArray's wider integers, as they are)."""
    return _view(x, mnp.ndarray) if isinstance(x, WideIntArray) else x


def to_compute(value: Operand, name: str) -> Operand:
    """``value`` in the compute dtype of result dtype ``name``; Python scalars stay scalars."""
    if is_python_scalar(value):
        return value
    target = compute_dtype(name)
    plain = storage(value)
    return plain if mxnet_dtype(plain) == target else plain.astype(target, copy=False)


def scalar_tensor(value: Operand, name: str) -> mnp.ndarray:
    """A Python scalar as a 0-d tensor in the compute dtype of ``name`` (tensors unchanged)."""
    if not is_python_scalar(value):
        return value
    return shared_constant(value, compute_dtype(name))


def select(condition: Any, a: Operand, b: Operand) -> mnp.ndarray:
    """``a`` where ``condition`` holds, else ``b``, like ``mnp.where``.

    Python scalars become 0-d tensors first: MXNet's where with a scalar operand inverts the
    mask in its gradient.
    """
    like = next((value for value in (a, b) if not is_python_scalar(value)), None)
    dtype = mxnet_dtype(like) if like is not None else "float32"
    a, b = (shared_constant(value, dtype) if is_python_scalar(value) else value for value in (a, b))
    return mnp.where(condition, a, b)


def _wrapped(values: mnp.ndarray, name: str) -> mnp.ndarray:
    """Integers reduced into ``name``'s range, wrapping around as a ``name`` register would.

    Bit masks on int64 tensors: MXNet's integer ``mod`` and its Python-scalar operands go
    through float64, which rounds the products of two uint32 values (up to 2**64).
    """
    bits = np.iinfo(name).bits
    low_bits = mnp.bitwise_and(values.astype("int64", copy=False), shared_constant((1 << bits) - 1, "int64"))
    if np.iinfo(name).min == 0:
        return low_bits
    sign = shared_constant(1 << (bits - 1), "int64")
    return mnp.subtract(mnp.bitwise_xor(low_bits, sign), sign)


def finish(value: mnp.ndarray, name: str) -> mnp.ndarray:
    """``value`` as a tensor of contract dtype ``name``."""
    if name in WIDE_STORAGE:
        if dtype_kind(value) == "f":
            value = value.astype("int64", copy=False)
        return tagged(_wrapped(value, name).astype(storage_dtype(name), copy=False), name)
    if mxnet_dtype(value) == name:
        return value
    return value.astype(name, copy=False)


def same_dtype_as(value: mnp.ndarray, x: mnp.ndarray) -> mnp.ndarray:
    """``value`` (computed on ``x``'s storage without changing any value) typed like ``x``."""
    return tagged(value, x.oneiros_dtype) if isinstance(x, WideIntArray) else value


def normalize_axis(axis: Any) -> None | int | tuple[int, ...]:
    """None, an int or a tuple of ints (lists and numpy ints accepted)."""
    if axis is None:
        return None
    if isinstance(axis, (list, tuple)):
        return tuple(int(item) for item in axis)
    return int(axis)


def padded(values: Any, widths: list[list[int]], fill: Any) -> Any:
    """``values`` with ``fill`` blocks joined before and after each axis, widths (before, after).

    Joined blocks, not MXNet's pad kernel: that kernel ignores its fill value, refuses vectors
    and more than 5 axes.
    """
    for axis, (before, after) in enumerate(widths):
        if not before and not after:
            continue
        blocks = []
        for width in (before, after):
            shape = list(values.shape)
            shape[axis] = width
            blocks.append(mnp.full(tuple(shape), fill, dtype=values.dtype, ctx=values.ctx))
        values = mnp.concatenate([blocks[0], values, blocks[1]], axis=axis)
    return values


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
    return int(np.iinfo(name).min)


def check_int(x: mnp.ndarray, what: str) -> None:
    if dtype_name(x) not in dtypes.SIGNED + dtypes.UNSIGNED:
        raise TypeError(f"{what} must be an integer tensor; received dtype {dtype_name(x)}.")


def _all_float32_or_weak(values: tuple[Any, ...]) -> bool:
    """Whether ``values`` are plain float32 MXNet tensors and Python scalars, at least one a tensor."""
    tensors = 0
    for value in values:
        if type(value) is mnp.ndarray:
            if mxnet_dtype(value) != "float32":
                return False
            tensors += 1
        elif not is_python_scalar(value):
            return False
    return tensors > 0


def elementwise(fn: Callable[..., Any], result: Callable[[str], str] | None, *values: Any) -> mnp.ndarray:
    """Applies ``fn`` to ``values`` promoted together; ``result`` maps the promoted dtype name
    to the output dtype name (default: the promoted dtype). At least one operand reaches ``fn``
    as a tensor; Python scalars stay scalars where another operand is a tensor."""
    if _all_float32_or_weak(values):
        # The common case on the training path, with promotion settled: float32 tensors and
        # Python scalars compute in float32 as they are.
        return finish(fn(*values), result("float32") if result is not None else "float32")
    operands = [operand(value) for value in values]
    promoted = dtypes.result_type(*(operand_dtype(item) for item in operands))
    out_name = result(promoted) if result is not None else promoted
    work_name = out_name if out_name != "bool" else promoted
    computed = [to_compute(item, work_name) for item in operands]
    if all(is_python_scalar(item) for item in computed):
        computed[0] = scalar_tensor(computed[0], work_name)
    return finish(fn(*computed), out_name)
