"""Math ops with no derived definition in the contract: bitwise logic (BitwiseAnd/Or/Xor, opset 18)."""

from __future__ import annotations

from typing import Any

from oneiros_onnx._dispatch import lowered
from oneiros_onnx._dtypes import INTS
from oneiros_onnx._graph import Symbol
from oneiros_onnx._lower_elementwise import elementwise
from oneiros_onnx._trace import emit
from oneiros_onnx._values import broadcast_shapes, operand, result_type

__all__ = ["bitwise_and", "bitwise_or", "bitwise_xor"]


def _bitwise(integer_op: str, bool_op: str, name: str) -> Any:
    def build(shape: tuple, *inputs: Symbol) -> Symbol:
        return emit(integer_op if inputs[0].dtype != "bool" else bool_op, list(inputs), shape, inputs[0].dtype)

    def op(x: Any, y: Any) -> Symbol:
        promoted = result_type(operand(x), operand(y))
        if promoted not in INTS | {"bool"}:
            raise TypeError(f"{name} needs integer (or bool) tensors; received dtype {promoted}.")
        return elementwise(build, None, INTS | {"bool"}, x, y)

    op.__name__ = name
    return lowered(op, name)


bitwise_and = _bitwise("BitwiseAnd", "And", "bitwise_and")
bitwise_or = _bitwise("BitwiseOr", "Or", "bitwise_or")
bitwise_xor = _bitwise("BitwiseXor", "Xor", "bitwise_xor")
