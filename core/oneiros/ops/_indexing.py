"""Indexing with Python's subscript syntax, for backend tensors, variables and symbolic tensors."""

from __future__ import annotations

from typing import Any

from oneiros._tensor_operators import TensorOperators


def get_item(x: Any, key: Any) -> Any:
    """``x[key]`` with numpy's basic indexing (ints, slices, ``None``, ``...``), as Keras's
    ``ops.get_item``. Each backend's tensor type implements the subscript itself."""
    from oneiros.layers._symbolic import SymbolicTensor

    if isinstance(x, SymbolicTensor):
        from oneiros.layers.op_layer import symbolic_op

        return symbolic_op("get_item", (x, key), {})
    if isinstance(x, TensorOperators):
        x = x.value
    return x[key]
