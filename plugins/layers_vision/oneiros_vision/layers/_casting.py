"""Integer inputs (e.g. uint8 pixels) to floats, for layers that average or interpolate."""

from __future__ import annotations

from typing import Any

from oneiros import ops


def floating(inputs: Any, dtype: str) -> Any:
    """``inputs`` unchanged when already floating point, else cast to ``dtype``."""
    return inputs if "float" in ops.dtype(inputs) else ops.cast(inputs, dtype)
