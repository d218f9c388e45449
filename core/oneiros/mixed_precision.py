"""``oi.mixed_precision``: Keras's names for the global dtype policy.

Example::

    oi.mixed_precision.set_global_policy("mixed_bfloat16")   # layers compute in bfloat16,
    model = build_model()                                     # weights stay float32
    oi.mixed_precision.set_global_policy("float32")
"""

from __future__ import annotations

from typing import Any

from oneiros.layers.dtype_policy import DTypePolicy, set_dtype_policy
from oneiros.layers.dtype_policy import dtype_policy as _policy_name

Policy = DTypePolicy

__all__ = ["DTypePolicy", "LossScaleOptimizer", "Policy", "dtype_policy", "global_policy", "set_dtype_policy",
           "set_global_policy"]


def __getattr__(name: str) -> Any:
    if name == "LossScaleOptimizer":
        from oneiros import optimizers

        return optimizers.LossScaleOptimizer
    raise AttributeError(f"module 'oneiros.mixed_precision' has no attribute {name!r}")


def dtype_policy() -> DTypePolicy:
    """The policy of layers created without an explicit ``dtype``."""
    return DTypePolicy(_policy_name())


global_policy = dtype_policy
set_global_policy = set_dtype_policy
