"""Dtype names and the promotion rules every backend follows.

Tensors hold one of :data:`SUPPORTED`. 64-bit inputs are narrowed to 32 bits (as JAX does by
default), so results agree across backends. Promotion follows JAX's lattice: ints and floats
mix to the float; signed and unsigned ints mix to a signed int wide enough (capped at 32 bits);
float16 and bfloat16 mix to float32; Python scalars are weak and take the tensor's dtype
within their kind.
"""

from __future__ import annotations

from typing import Any

from oneiros.errors import OneirosError

FLOATS = ("float16", "bfloat16", "float32")
SIGNED = ("int8", "int16", "int32")
UNSIGNED = ("uint8", "uint16", "uint32")
SUPPORTED = ("bool", *UNSIGNED, *SIGNED, *FLOATS)
NARROWED = {"float64": "float32", "int64": "int32", "uint64": "uint32", "bool_": "bool"}
STRING = "string"
"""Keras's dtype of text inputs: a symbolic tensor's (``Input(dtype="string")``), never a
backend tensor's; the host-side layers that read text take numpy arrays of it."""

DEFAULT_FLOAT = "float32"
DEFAULT_INT = "int32"


class DtypeError(OneirosError, TypeError):
    """A dtype that Oneiros tensors cannot hold."""


def name_of(dtype: Any) -> str:
    """The canonical name of ``dtype`` (a string, numpy/jax dtype or scalar type)."""
    if dtype is None:
        raise DtypeError("Expected a dtype, received None.")
    if isinstance(dtype, str):
        text = dtype
    elif dtype is bool:
        text = "bool"
    elif dtype is int:
        text = DEFAULT_INT
    elif dtype is float:
        text = DEFAULT_FLOAT
    else:
        text = getattr(dtype, "name", None) or getattr(dtype, "__name__", None) or str(dtype)
    text = NARROWED.get(text, text)
    if text not in SUPPORTED:
        raise DtypeError(f"Unsupported dtype {dtype!r}; expected one of {', '.join(SUPPORTED)}.")
    return text


def is_float(dtype: Any) -> bool:
    return name_of(dtype) in FLOATS


def is_int(dtype: Any) -> bool:
    return name_of(dtype) in SIGNED + UNSIGNED


def accumulator(name: str) -> str:
    """The dtype sums and products of ``name`` accumulate in: bool and signed ints widen to int32,
    unsigned ints to uint32, as JAX does; floats keep their dtype."""
    if name == "bool" or name in SIGNED:
        return "int32"
    if name in UNSIGNED:
        return "uint32"
    return name


def _bits(name: str) -> int:
    return int("".join(ch for ch in name if ch.isdigit()))


def _promote_strong(names: list[str]) -> str | None:
    if not names:
        return None
    floats = {n for n in names if n in FLOATS}
    if floats:
        if floats == {"float16", "bfloat16"} or "float32" in floats:
            return "float32"
        return floats.pop()
    signed = [n for n in names if n in SIGNED]
    unsigned = [n for n in names if n in UNSIGNED]
    if not signed and not unsigned:
        return "bool"
    if not signed:
        return max(unsigned, key=_bits)
    signed_bits = max(_bits(n) for n in signed)
    if not unsigned:
        return f"int{signed_bits}"
    unsigned_bits = max(_bits(n) for n in unsigned)
    return f"int{min(32, max(signed_bits, 2 * unsigned_bits))}"


def result_type(*values: Any) -> str:
    """The dtype a binary (or n-ary) op gives for these tensors, dtypes or Python scalars."""
    strong: list[str] = []
    weak_kinds: set[str] = set()
    for value in values:
        if hasattr(value, "dtype"):  # before the scalar checks: numpy.float64 subclasses float
            strong.append(name_of(value.dtype))
        elif isinstance(value, bool):
            weak_kinds.add("bool")
        elif isinstance(value, int):
            weak_kinds.add("int")
        elif isinstance(value, float):
            weak_kinds.add("float")
        else:
            strong.append(name_of(value))
    result = _promote_strong(strong)
    if "float" in weak_kinds and (result is None or result not in FLOATS):
        return DEFAULT_FLOAT
    if "int" in weak_kinds and (result is None or result == "bool"):
        return DEFAULT_INT
    return result or "bool"
