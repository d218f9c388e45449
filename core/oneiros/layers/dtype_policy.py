"""Dtype policies: the dtype a layer computes in and the dtype its weights are stored in."""

from __future__ import annotations

from typing import Any

from oneiros import dtypes

_MIXED = {"mixed_bfloat16": "bfloat16", "mixed_float16": "float16"}
_QUANTIZATION_MODES = ("int8",)
_global_policy = "float32"


class DTypePolicy:
    """``"float32"`` (default), ``"bfloat16"``, ``"float16"`` or mixed ``"mixed_bfloat16"`` /
    ``"mixed_float16"`` (compute in 16 bits, keep float32 weights); Keras's quantized names
    ``"int8_from_<policy>"`` are a layer quantized by ``quantize("int8")`` from that policy
    (:attr:`quantization_mode` "int8"; its float weights and computation as the source policy's)."""

    def __init__(self, name: str):
        mode, quantized, source = name.partition("_from_") if isinstance(name, str) else (name, "", "")
        self.quantization_mode = mode if quantized and mode in _QUANTIZATION_MODES else None
        if self.quantization_mode is not None:
            source_policy = DTypePolicy(source)
            self.compute_dtype, self.variable_dtype = source_policy.compute_dtype, source_policy.variable_dtype
        elif name in _MIXED:
            self.compute_dtype, self.variable_dtype = _MIXED[name], "float32"
        else:
            try:
                self.compute_dtype = self.variable_dtype = dtypes.name_of(name)
            except dtypes.DtypeError:
                raise ValueError(
                    f"Unknown dtype policy {name!r}; expected a dtype name, one of {sorted(_MIXED)}, or "
                    f"'<mode>_from_<policy>' with mode in {list(_QUANTIZATION_MODES)}."
                ) from None
        self.name = name

    @property
    def is_mixed(self) -> bool:
        return self.compute_dtype != self.variable_dtype

    @classmethod
    def get(cls, identifier: Any) -> DTypePolicy:
        if isinstance(identifier, DTypePolicy):
            return identifier
        if identifier is None:
            return cls(_global_policy)
        if isinstance(identifier, dict):
            return cls(identifier.get("config", {}).get("name", identifier.get("name")))
        return cls(identifier if isinstance(identifier, str) else dtypes.name_of(identifier))

    def __repr__(self) -> str:
        return f"<DTypePolicy {self.name!r}>"


def set_dtype_policy(name: str) -> None:
    """Sets the policy of layers created afterwards without an explicit ``dtype``."""
    global _global_policy
    DTypePolicy(name)
    _global_policy = name


def dtype_policy() -> str:
    return _global_policy
