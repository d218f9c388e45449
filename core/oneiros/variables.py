"""Variables: a named, mutable holder of one backend tensor, owned by a layer."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from oneiros import dtypes, ops
from oneiros._tensor_operators import TensorOperators


class Variable(TensorOperators):
    """A layer weight. Read it in ``call`` with ``.value``; training swaps values in and out.

    ``autocast=False`` keeps the weight in its own dtype during mixed-precision calls (for
    statistics such as BatchNormalization's moving mean, which 16-bit rounding would bias).

    ``path`` is unique inside a model (``"dense_1/kernel"``) and names the weight in files.
    """

    def __init__(
        self,
        value: Any,
        *,
        name: str,
        trainable: bool = True,
        dtype: str = "float32",
        regularizer: Callable | None = None,
        constraint: Callable | None = None,
        autocast: bool = True,
    ):
        self.name = name
        self.path = name
        self.trainable = trainable
        self.dtype = dtypes.name_of(dtype)
        self.regularizer = regularizer
        self.constraint = constraint
        self.autocast = autocast
        self.counts_as_parameter = True
        self._value = ops.cast(value, self.dtype) if ops.dtype(value) != self.dtype else value
        self.shape = tuple(ops.shape(self._value))

    @property
    def value(self) -> Any:
        return self._value

    def assign(self, value: Any) -> None:
        """Replaces the value; the shape must stay the same (dtype is converted)."""
        value = ops.convert_to_tensor(value, self.dtype)
        shape = tuple(ops.shape(value))
        if shape != self.shape:
            raise ValueError(
                f"Cannot assign a value of shape {shape} to variable {self.path!r} of shape {self.shape}."
            )
        self._value = value

    def replace_value(self, value: Any) -> None:
        """Takes ``value`` as it is: a tensor already of this variable's dtype and shape (a compiled
        step's result, or this value placed on other devices). Unlike :meth:`assign` it neither
        converts nor checks, so handing a step's state back costs nothing per variable."""
        self._value = value

    def assign_add(self, delta: Any) -> None:
        """Adds ``delta`` to the value (in compiled steps too, where the value is traced)."""
        self.assign(ops.add(self._value, ops.cast(delta, self.dtype)))

    def assign_sub(self, delta: Any) -> None:
        """Subtracts ``delta`` from the value."""
        self.assign(ops.subtract(self._value, ops.cast(delta, self.dtype)))

    @property
    def ndim(self) -> int:
        return len(self.shape)

    def __len__(self) -> int:
        if not self.shape:
            raise TypeError(f"len() of the scalar variable {self.path!r}.")
        return self.shape[0]

    def __bool__(self) -> bool:
        raise TypeError(f"Variable {self.path!r} cannot be used as a boolean; compare its value with ops.")

    def __float__(self) -> float:
        return float(self.numpy())

    def __int__(self) -> int:
        return int(self.numpy())

    def numpy(self) -> Any:
        return ops.to_numpy(self._value)

    def __array__(self, dtype: Any = None, copy: Any = None) -> Any:
        array = self.numpy()
        return array.astype(dtype) if dtype is not None else array

    def __repr__(self) -> str:
        kind = "" if self.trainable else ", trainable=False"
        return f"<Variable {self.path!r} shape={self.shape} dtype={self.dtype}{kind}>"


@contextmanager
def swapped_values(variables: Sequence[Variable], values: Sequence[Any]) -> Iterator[None]:
    """Runs the block with ``variables`` holding ``values`` (e.g. tracers), then restores them.

    This is how a stateless (compiled) call sees the values it was given without the variables
    tracking anything on the hot path.
    """
    if len(variables) != len(values):
        raise ValueError(f"Expected {len(variables)} values for the variables, received {len(values)}.")
    saved = [variable._value for variable in variables]
    for variable, value in zip(variables, values):
        variable._value = value
    try:
        yield
    finally:
        for variable, value in zip(variables, saved):
            variable._value = value
