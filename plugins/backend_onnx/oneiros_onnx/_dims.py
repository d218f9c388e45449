"""Sizes known only when the graph runs: the batch axis of traced inputs, and arithmetic on it.

A :class:`DynamicDim` is an ``int`` (a placeholder value) so that layer code computing with
shapes keeps working while tracing; the ops that take shapes (reshape, broadcast_to, zeros...)
recognise it and read the real size from the graph instead.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any

PLACEHOLDER = 4099
"""The value a batch axis has while tracing: prime, above common layer sizes, never 0 or 1."""

_ARITHMETIC: dict[str, Callable[[int, int], int]] = {
    "Add": operator.add,
    "Sub": operator.sub,
    "Mul": operator.mul,
    "Div": operator.floordiv,
}


class DynamicDim(int):
    """A size read from a graph value at run time (or computed from such sizes).

    ``source`` is ``(symbol, axis)`` for a size read from a traced tensor's shape, or
    ``(onnx_op, left, right)`` for arithmetic on sizes; ``label`` names the axis in the ONNX
    graph's input and output shapes (``"batch"``), None when it has no name.
    """

    source: tuple
    label: str | None

    def __new__(cls, value: int, source: tuple, label: str | None = None) -> DynamicDim:
        dim = super().__new__(cls, value)
        dim.source = source
        dim.label = label
        return dim

    @classmethod
    def of(cls, symbol: Any, axis: int, label: str | None = None) -> DynamicDim:
        return cls(PLACEHOLDER, (symbol, axis), label)

    def _combine(self, onnx_op: str, left: Any, right: Any) -> Any:
        if not isinstance(left, int) or not isinstance(right, int) or isinstance(left, bool) \
                or isinstance(right, bool):
            return NotImplemented
        return DynamicDim(_ARITHMETIC[onnx_op](int(left), int(right)), (onnx_op, left, right))

    def __add__(self, other: Any) -> Any:
        return self._combine("Add", self, other)

    def __radd__(self, other: Any) -> Any:
        return self._combine("Add", other, self)

    def __sub__(self, other: Any) -> Any:
        return self._combine("Sub", self, other)

    def __rsub__(self, other: Any) -> Any:
        return self._combine("Sub", other, self)

    def __mul__(self, other: Any) -> Any:
        return self._combine("Mul", self, other)

    def __rmul__(self, other: Any) -> Any:
        return self._combine("Mul", other, self)

    def __floordiv__(self, other: Any) -> Any:
        return self._combine("Div", self, other)

    def __rfloordiv__(self, other: Any) -> Any:
        return self._combine("Div", other, self)

    def __repr__(self) -> str:
        return self.label or "?"

    __str__ = __repr__

    def __hash__(self) -> int:
        return int.__hash__(self)

    def __reduce__(self) -> Any:
        return int, (int(self),)


def has_dynamic(values: Any) -> bool:
    return any(isinstance(value, DynamicDim) for value in values)
