"""Small Keras helpers on data tuples, symbolic tensors and dtype names."""

from __future__ import annotations

from typing import Any

import numpy as np

PYTHON_DTYPES = {bool: "bool", int: "int32", float: "float32", str: "string", complex: "complex64", "int": "int32"}
"""Keras's names for Python types on every backend but TensorFlow (which says int64, complex128)."""

KERAS_DTYPES = ("float16", "float32", "float64", "uint8", "uint16", "uint32", "uint64", "int8", "int16", "int32",
                "int64", "bfloat16", "bool", "string", "float8_e4m3fn", "float8_e5m2", "complex64", "complex128")


def pack_x_y_sample_weight(x: Any, y: Any = None, sample_weight: Any = None) -> Any:
    """``x`` (a tuple ``(x,)`` when ``x`` is itself a tuple or list), ``(x, y)`` or ``(x, y, sample_weight)``:
    what a dataset yields, as ``keras.utils.pack_x_y_sample_weight`` packs it."""
    if y is None:
        return (x,) if isinstance(x, (tuple, list)) else x
    if sample_weight is None:
        return (x, y)
    return (x, y, sample_weight)


def unpack_x_y_sample_weight(data: Any) -> tuple[Any, Any, Any]:
    """``(x, y, sample_weight)`` from what a dataset yields, missing parts None (Keras's rules)."""
    if isinstance(data, list):
        data = tuple(data)
    if not isinstance(data, tuple):
        return (data, None, None)
    if len(data) not in (1, 2, 3):
        raise ValueError(f"unpack_x_y_sample_weight: expected data of the form `x`, `(x,)`, `(x, y)` or "
                         f"`(x, y, sample_weight)`; received a tuple of {len(data)} items.")
    return (*data, *(None,) * (3 - len(data)))


def is_keras_tensor(x: Any) -> bool:
    """Whether ``x`` is a symbolic tensor of the functional API (``oi.Input`` or a layer's output on one)."""
    from oneiros.layers._symbolic import SymbolicTensor

    return isinstance(x, SymbolicTensor)


def get_source_inputs(tensor: Any) -> list[Any]:
    """The ``oi.Input`` tensors that ``tensor`` is computed from, each once, in first-seen order."""
    from oneiros.layers._symbolic import SymbolicTensor

    if not isinstance(tensor, SymbolicTensor):
        return tensor
    node = tensor.node
    if node is None or not node.input_tensors():
        return [tensor]
    sources: list[Any] = []
    for parent in node.input_tensors():
        for source in get_source_inputs(parent):
            if all(source is not known for known in sources):
                sources.append(source)
    return sources


def standardize_dtype(dtype: Any) -> str:
    """Keras's name for ``dtype`` (a string, a numpy/JAX dtype or scalar type, a Python type; None is
    float32), as ``keras.utils.standardize_dtype`` gives it."""
    if dtype is None:
        return "float32"
    dtype = PYTHON_DTYPES.get(dtype, dtype) if isinstance(dtype, (type, str)) else dtype
    name = getattr(dtype, "name", None) or getattr(dtype, "__name__", None) or str(dtype)
    if name not in KERAS_DTYPES and not isinstance(dtype, str):
        try:
            name = np.dtype(dtype).name
        except TypeError:
            pass
    if name not in KERAS_DTYPES:
        raise ValueError(f"standardize_dtype: unknown dtype {dtype!r}; expected one of {', '.join(KERAS_DTYPES)}.")
    return name
