"""Dtype names of traced values, their ONNX element types, and the types ONNX Runtime kernels take.

Traced values carry a dtype name: one of ``oneiros.dtypes.SUPPORTED`` for what users see, plus
``int64`` and ``float64`` for values internal to a lowering (shapes, indices, accurate math).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from onnx import TensorProto

from oneiros import dtypes

ELEMENT_TYPES: dict[str, int] = {
    "bool": TensorProto.BOOL,
    "uint8": TensorProto.UINT8,
    "uint16": TensorProto.UINT16,
    "uint32": TensorProto.UINT32,
    "int8": TensorProto.INT8,
    "int16": TensorProto.INT16,
    "int32": TensorProto.INT32,
    "int64": TensorProto.INT64,
    "float16": TensorProto.FLOAT16,
    "float32": TensorProto.FLOAT,
    "float64": TensorProto.DOUBLE,
}

INTS = frozenset(dtypes.SIGNED + dtypes.UNSIGNED + ("int64",))
FLOATS = frozenset(("float16", "float32", "float64"))
NUMERIC = INTS | FLOATS
ALL = NUMERIC | {"bool"}

# What ONNX Runtime's CPU kernels accept (probed on onnxruntime 1.32); a value of another dtype
# is computed in the nearest wider accepted one and cast back, as the numpy reference computes
# half floats in float32.
ARITHMETIC = frozenset(INTS | {"float32", "float64"})
SIGNED_ARITHMETIC = frozenset({"int8", "int16", "int32", "int64", "float32", "float64"})
ORDERED = frozenset({"uint8", "uint32", "int8", "int32", "int64", "float32", "float64"})
WIDE = frozenset({"int32", "int64", "float32", "float64"})
FLOAT_ONLY = frozenset({"float32", "float64"})
SORTABLE = frozenset({"int8", "int16", "int32", "int64", "float32", "float64"})
SELECTABLE = frozenset({"uint8", "uint32", "int8", "int32", "int64", "float32", "float64"})
PADDABLE = frozenset({"bool", "uint8", "uint32", "int8", "int32", "int64", "float32", "float64"})
SCATTER_ADD = frozenset(INTS | {"float32", "float64"})

_WIDER = {
    "bool": "int32",
    "uint8": "int32",
    "uint16": "int32",
    "int8": "int32",
    "int16": "int32",
    "int32": "int64",
    "uint32": "int64",
    "float16": "float32",
    "bfloat16": "float32",
}


def element_type(name: str) -> int:
    try:
        return ELEMENT_TYPES[name]
    except KeyError:
        raise dtypes.DtypeError(
            f"The onnx backend has no tensors of dtype {name!r}; expected one of "
            f"{', '.join(n for n in dtypes.SUPPORTED if n in ELEMENT_TYPES)}."
        ) from None


def numpy_dtype(name: str) -> np.dtype:
    element_type(name)
    return np.dtype(name)


def kernel_dtype(name: str, accepted: frozenset[str]) -> str:
    """The dtype a kernel accepting ``accepted`` computes ``name`` values in (half floats: float32)."""
    if name in ("float16", "bfloat16"):
        return "float32"
    current = name
    while current not in accepted:
        wider = _WIDER.get(current)
        if wider is None:
            raise TypeError(f"No ONNX Runtime kernel here computes dtype {name}.")
        current = wider
    return current


def lowest(name: str) -> Any:
    """The smallest value a ``name`` tensor holds (-inf for floats)."""
    if name == "bool":
        return False
    if name in FLOATS:
        return -np.inf
    return np.iinfo(np.dtype(name)).min
