"""Buffers the caller of a compiled function gave up (``jit(fn, donate_argnums)``), which the
function's kernels may overwrite instead of copying, as XLA reuses donated buffers."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from typing import Any

_local = threading.local()


@contextlib.contextmanager
def donating(leaves: list[Any]) -> Iterator[None]:
    """Marks ``leaves`` as donated while the block runs (on this thread). Their ids stay unique
    meanwhile: the caller's arguments keep the objects alive."""
    previous = getattr(_local, "ids", frozenset())
    _local.ids = frozenset(id(leaf) for leaf in leaves)
    try:
        yield
    finally:
        _local.ids = previous


def is_donated(value: Any) -> bool:
    return id(value) in getattr(_local, "ids", ())
