"""Naming the layer whose ``call`` was being traced when an op could not be lowered."""

from __future__ import annotations

import contextlib
import traceback
from collections.abc import Iterator
from types import TracebackType

from oneiros_onnx.errors import LoweringError


def innermost_layer(trace: TracebackType | None) -> str | None:
    """``'name' (Class)`` of the innermost Layer whose ``call`` is on the traceback."""
    from oneiros.layers.layer import Layer

    found = None
    for frame, _ in traceback.walk_tb(trace):
        candidate = frame.f_locals.get("self")
        if frame.f_code.co_name == "call" and isinstance(candidate, Layer):
            found = candidate
    return None if found is None else f"{found.name!r} ({type(found).__name__})"


@contextlib.contextmanager
def naming_layer() -> Iterator[None]:
    """Re-raises a LoweringError of the block with the layer it happened in."""
    try:
        yield
    except LoweringError as error:
        layer = innermost_layer(error.__traceback__) if error.layer is None else None
        if layer is None:
            raise
        raise error.in_layer(layer) from error
