"""Safe mode: while on (the default), objects that carry code refuse to be built from configs.

``enable_unsafe_deserialization()`` (Keras's ``keras.config`` name) turns it off for the whole
process, overriding every ``safe_mode=True``, as Keras's global does.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator

from oneiros.errors import UnsafeConfigError


class _State(threading.local):
    enabled: bool = True


_state = _State()
_unsafe_everywhere = False


def enable_unsafe_deserialization() -> None:
    """Turns safe mode off in every thread from now on, overriding ``safe_mode=True`` and
    :func:`safe_mode_scope`: :func:`refuse_code` no longer refuses (code stored in a file is still
    never run: loaders refuse it themselves)."""
    global _unsafe_everywhere
    _unsafe_everywhere = True


def safe_mode_enabled() -> bool:
    return _state.enabled and not _unsafe_everywhere


@contextlib.contextmanager
def safe_mode_scope(enabled: bool) -> Iterator[None]:
    """Sets safe mode for the block (only ``False`` loosens it, and only inside the block)."""
    if not isinstance(enabled, bool):
        raise TypeError(f"safe_mode must be True or False; received {enabled!r}.")
    previous, _state.enabled = _state.enabled, enabled
    try:
        yield
    finally:
        _state.enabled = previous


def refuse_code(what: str) -> None:
    """Raises UnsafeConfigError for ``what`` unless safe mode was explicitly turned off."""
    if safe_mode_enabled():
        raise UnsafeConfigError(
            f"{what} carries code and is refused while safe_mode is on. Only if you trust the source, "
            "load with safe_mode=False."
        )
