"""The active backend, read on every op call, so kept as a plain module global."""

from __future__ import annotations

from typing import Any

backend: Any = None
ops: Any = None


def activate(new_backend: Any) -> Any:
    """Makes ``new_backend`` the active one; returns the previous backend."""
    global backend, ops
    previous = backend
    backend, ops = new_backend, (new_backend.ops if new_backend is not None else None)
    return previous
