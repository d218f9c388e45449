"""Python operators for the tensor-like objects users write with: variables and symbolic tensors.

``x + y``, ``x @ w``, ``-x``, ``x[:, 0]``, ``x < 0``... all become ``oneiros.ops`` calls, so they run
on the active backend for a variable and become graph nodes for a symbolic tensor, as in Keras.
"""

from __future__ import annotations

from typing import Any


def _ops() -> Any:
    from oneiros import ops

    return ops


def _binary(name: str, reflected: bool = False) -> Any:
    if reflected:
        def method(self: Any, other: Any) -> Any:
            return getattr(_ops(), name)(other, self)
    else:
        def method(self: Any, other: Any) -> Any:
            return getattr(_ops(), name)(self, other)

    method.__name__ = f"__{'r' if reflected else ''}{name}__"
    return method


class TensorOperators:
    """Mixin: arithmetic, comparison, logical and indexing operators through ``oneiros.ops``.

    ``__eq__`` is elementwise as in Keras; hashing stays by identity so that these objects can key
    dictionaries and live in sets, as the library's bookkeeping needs.
    """

    # ndarray's own operators defer to ours (numpy's array + variable gives what ops.add gives).
    __array_priority__ = 100

    __add__, __radd__ = _binary("add"), _binary("add", True)
    __sub__, __rsub__ = _binary("subtract"), _binary("subtract", True)
    __mul__, __rmul__ = _binary("multiply"), _binary("multiply", True)
    __truediv__, __rtruediv__ = _binary("divide"), _binary("divide", True)
    __floordiv__, __rfloordiv__ = _binary("floor_divide"), _binary("floor_divide", True)
    __mod__, __rmod__ = _binary("mod"), _binary("mod", True)
    __pow__, __rpow__ = _binary("power"), _binary("power", True)
    __matmul__, __rmatmul__ = _binary("matmul"), _binary("matmul", True)
    __and__, __rand__ = _binary("logical_and"), _binary("logical_and", True)
    __or__, __ror__ = _binary("logical_or"), _binary("logical_or", True)
    __xor__, __rxor__ = _binary("logical_xor"), _binary("logical_xor", True)
    __lt__ = _binary("less")
    __le__ = _binary("less_equal")
    __gt__ = _binary("greater")
    __ge__ = _binary("greater_equal")
    __eq__ = _binary("equal")  # type: ignore[assignment]
    __ne__ = _binary("not_equal")  # type: ignore[assignment]
    __hash__ = object.__hash__

    def __neg__(self) -> Any:
        return _ops().negative(self)

    def __pos__(self) -> Any:
        return self

    def __abs__(self) -> Any:
        return _ops().abs(self)

    def __invert__(self) -> Any:
        return _ops().logical_not(self)

    def __getitem__(self, key: Any) -> Any:
        return _ops().get_item(self, key)
