"""The backend's tensor: a Tile value with a static shape, read back to the host on demand.

Ops build Tile expressions without running anything. Reading a value (``to_numpy``) composes
everything it depends on into one PlaidML program and runs it; inside ``jit`` the values
depend on placeholders and are composed once per input signature instead.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import plaidml
import plaidml.tile as tile

from oneiros import dtypes
from oneiros.backend.host_arrays import narrowed_numpy

from oneiros_plaidml._engine import engine, tile_dtype


class PlaidTensor:
    """A tensor of the plaidml backend: ``shape`` and ``dtype`` are known without running it."""

    __slots__ = ("shape", "dtype", "traced", "_value", "_host")
    __array_priority__ = 100

    def __init__(self, shape: tuple[int, ...], dtype: str, value: Any = None, host: np.ndarray | None = None,
                 traced: bool = False) -> None:
        self.shape = tuple(int(size) for size in shape)
        self.dtype = dtype
        self.traced = traced
        self._value = value
        self._host = host

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def size(self) -> int:
        return math.prod(self.shape)

    @property
    def value(self) -> Any:
        """The Tile value (a device buffer is uploaded the first time a host tensor is used)."""
        if self._value is None:
            buffer = engine().upload(self._host)
            self._value = tile.Value.from_var(buffer, self.shape, tile_dtype(self.dtype))
        return self._value

    def numpy(self) -> np.ndarray:
        if self._host is None:
            materialize([self])
        return self._host

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        array = self.numpy()
        return array if dtype is None else array.astype(dtype)

    def __len__(self) -> int:
        if not self.shape:
            raise TypeError("len() of a 0-d tensor")
        return self.shape[0]

    def __getitem__(self, key: Any) -> PlaidTensor:
        from oneiros_plaidml._shape import getitem

        return getitem(self, key)

    def __repr__(self) -> str:
        if self.traced:
            return f"PlaidTensor(traced, shape={self.shape}, dtype={self.dtype})"
        return f"PlaidTensor({self.numpy()!r})"

    def __bool__(self) -> bool:
        return bool(self.numpy())

    def __float__(self) -> float:
        return float(self.numpy())

    def __int__(self) -> int:
        return int(self.numpy())

    def __index__(self) -> int:
        return int(self.numpy())


def host_tensor(array: np.ndarray) -> PlaidTensor:
    return PlaidTensor(array.shape, array.dtype.name, host=array)


def as_tensor(value: Any, dtype: str | None = None) -> PlaidTensor:
    """``value`` (a tensor, numpy array or Python number) as a tensor, cast to ``dtype`` if given."""
    if isinstance(value, PlaidTensor):
        if dtype is not None and dtypes.name_of(dtype) != value.dtype:
            from oneiros_plaidml._core import cast

            return cast(value, dtype)
        return value
    if dtype is not None:
        name = dtypes.name_of(dtype)
        tile_dtype(name)
        array = np.asarray(value)
        if array.dtype.kind == "f" and name not in dtypes.FLOATS and not np.all(np.isfinite(array)):
            raise ValueError(f"Cannot convert non-finite values to {name}.")
        return host_tensor(np.asarray(array.astype(name)))
    array = narrowed_numpy(value)
    if not isinstance(value, np.ndarray) and not np.ndim(value) and array.dtype.name == "float64":
        array = array.astype("float32")
    tile_dtype(array.dtype.name)
    return host_tensor(array)


def scalar_like(value: Any, dtype: str) -> PlaidTensor:
    """A Python number (weakly typed) or a tensor, as a tensor of ``dtype``."""
    if isinstance(value, PlaidTensor):
        return value
    return host_tensor(np.asarray(value, dtype))


def cast_expression(expression: str, dtype: str, source: str | None = None) -> str:
    """Tile code converting ``expression`` (of dtype ``source``, if known) to ``dtype``.

    A cast to the dtype a value already has is left out: PlaidML's autodiff gives casts a zero
    derivative, so gradients must not pass through one.
    """
    if source == dtype:
        return expression
    if dtype == "bool":
        return f"({expression}) != 0"
    if dtype in dtypes.FLOATS:
        return f"as_float({expression}, 32)"
    kind = "uint" if dtype.startswith("uint") else "int"
    bits = "".join(ch for ch in dtype if ch.isdigit())
    return f"as_{kind}({expression}, {bits})"


def position(name: str, axis: int, size: int) -> str:
    """Tile code for the index along ``axis`` of tensor ``name`` (PlaidML 0.7.0 aborts on
    ``index()`` over an axis of size 1, where the index is 0 anyway)."""
    return "0" if size == 1 else f"index({name}, {axis})"


def is_nan(name: str) -> str:
    """Tile code testing ``name`` for NaN (PlaidML folds ``x != x`` to false)."""
    return f"({name} <= 0 ? 0 : ({name} > 0 ? 0 : 1))"


def emit(body: str, inputs: Sequence[PlaidTensor], shape: Sequence[int], dtype: str) -> PlaidTensor:
    """A tensor computed by the Tile statements ``body`` from inputs ``I0``, ``I1``... into ``O``."""
    shape = tuple(int(size) for size in shape)
    if math.prod(shape) == 0:
        return host_tensor(np.zeros(shape, dtype))
    # PlaidML 0.7.0 computes wrong results when one variable is bound to two inputs of a
    # function, so a repeated input is bound once and aliased inside the code.
    bound: dict[int, str] = {}
    declared, aliases = [], []
    for index, tensor in enumerate(inputs):
        value = tensor.value
        if id(value) in bound:
            aliases.append(f"I{index} = {bound[id(value)]};")
        else:
            bound[id(value)] = f"I{index}"
            declared.append((f"I{index}", value))
    code = f"function ({', '.join(name for name, _ in declared)}) -> (O) {{ {' '.join(aliases)} {body} }}"
    operation = tile.Operation(code, declared, [("O", tile.Shape(tile_dtype(dtype), shape))])
    return PlaidTensor(shape, dtype, operation.sole_output(), traced=any(tensor.traced for tensor in inputs))


def elementwise(expression: str, inputs: Sequence[PlaidTensor], shape: Sequence[int], dtype: str) -> PlaidTensor:
    """An elementwise tensor: ``expression`` over ``I0``... with numpy broadcasting, cast to ``dtype``."""
    return emit(f"O = {cast_expression(expression, dtype)};", inputs, shape, dtype)


def broadcast(x: PlaidTensor, shape: Sequence[int]) -> PlaidTensor:
    """``x`` broadcast to ``shape`` by a copying contraction (size-1 axes read at 0)."""
    shape = tuple(shape)
    if x.shape == shape:
        return x
    offset = len(shape) - x.ndim
    names = [f"i{axis}" for axis in range(len(shape))]
    source = ["0" if size == 1 and shape[offset + a] != 1 else names[offset + a] for a, size in enumerate(x.shape)]
    target = f"O[{', '.join(names)}: {', '.join(map(str, shape))}]" if shape else "O[]"
    return emit(f"{target} = =(I0[{', '.join(source)}]);", [x], shape, x.dtype)


def materialize(tensors: Sequence[PlaidTensor]) -> None:
    """Runs one program computing every tensor in ``tensors`` that is not yet on the host."""
    run = engine()
    pending = []
    for tensor in dict.fromkeys(tensors):
        if tensor._host is not None:
            continue
        if isinstance(tensor._value.var, plaidml.Tensor):
            tensor._host = run.download(tensor._value.var, tensor.shape, tensor.dtype)
        else:
            pending.append(tensor)
    traced = [tensor for tensor in pending if tensor.traced]
    if traced:
        raise TypeError(f"Cannot read the value of a traced tensor {traced[0].dtype}{list(traced[0].shape)} "
                        "inside jit; return it from the compiled function instead.")
    if not pending:
        return
    outputs = [(f"O{index}", tensor.value) for index, tensor in enumerate(pending)]
    invoker = run.invoker(run.compose([], outputs))
    buffers = []
    for (name, _), tensor in zip(outputs, pending):
        buffer = run.allocate(tensor.shape, tensor.dtype)
        invoker.set_output(name, buffer)
        buffers.append(buffer)
    invoker.invoke()
    for tensor, buffer in zip(pending, buffers):
        tensor._value = tile.Value.from_var(buffer, tensor.shape, tile_dtype(tensor.dtype))
        tensor._host = run.download(buffer, tensor.shape, tensor.dtype)
