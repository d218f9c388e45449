"""Variables: a named, mutable holder of one backend tensor, owned by a layer."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from oneiros import dtypes, ops


class Variable:
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
