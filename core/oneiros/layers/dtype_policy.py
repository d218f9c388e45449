"""Dtype policies: the dtype a layer computes in and the dtype its weights are stored in."""

from __future__ import annotations

from typing import Any

from oneiros import dtypes

_MIXED = {"mixed_bfloat16": "bfloat16", "mixed_float16": "float16"}
_global_policy = "float32"


class DTypePolicy:
    """``"float32"`` (default), ``"bfloat16"``, ``"float16"`` or mixed ``"mixed_bfloat16"`` /
    ``"mixed_float16"`` (compute in 16 bits, keep float32 weights)."""

    def __init__(self, name: str):
        if name in _MIXED:
            self.compute_dtype, self.variable_dtype = _MIXED[name], "float32"
        else:
            try:
                self.compute_dtype = self.variable_dtype = dtypes.name_of(name)
            except dtypes.DtypeError:
                raise ValueError(
                    f"Unknown dtype policy {name!r}; expected a dtype name or one of {sorted(_MIXED)}."
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
