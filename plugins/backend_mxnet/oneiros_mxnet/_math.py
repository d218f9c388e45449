"""Math ops with no derived definition in the contract: bitwise logic."""

from __future__ import annotations

from typing import Any

from mxnet import numpy as mnp
from oneiros import dtypes

from oneiros_mxnet._tensor import elementwise

__all__ = ["bitwise_and", "bitwise_or", "bitwise_xor"]

_INTEGERS = (*dtypes.SIGNED, *dtypes.UNSIGNED, "bool")


def _bitwise(mxnet_op: Any, name: str) -> Any:
    def run(x, y):
        promoted = dtypes.result_type(*(value if isinstance(value, (bool, int, float)) else value.dtype
                                        for value in (x, y)))
        if promoted not in _INTEGERS:
            raise TypeError(f"{name} needs integer (or bool) tensors; received dtype {promoted}.")
        return elementwise(mxnet_op, None, x, y)

    run.__name__ = run.__qualname__ = name
    return run


bitwise_and = _bitwise(mnp.bitwise_and, "bitwise_and")
bitwise_or = _bitwise(mnp.bitwise_or, "bitwise_or")
bitwise_xor = _bitwise(mnp.bitwise_xor, "bitwise_xor")
