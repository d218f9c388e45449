"""The active backend of each thread, read on every op call.

``current.ops`` is one attribute read: a thread that entered a backend scope has its own
``backend``/``ops`` in its thread-local dict; every other thread falls through to the class
attributes, which hold the process-wide default (what ``set_backend`` chose).

Example::

    previous = enter(numpy_backend)   # this thread only
    try:
        ...
    finally:
        leave(previous)
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

_UNSET = object()


class _ActiveBackend(threading.local):
    """This thread's backend and its ops; the class attributes are the process default."""

    backend: Any = None
    ops: Any = None


current = _ActiveBackend()


def _ops_of(backend: Any) -> Any:
    return backend.ops if backend is not None else None


def set_default(backend: Any) -> None:
    """Makes ``backend`` the process default, which this thread follows from now on as well."""
    _ActiveBackend.backend, _ActiveBackend.ops = backend, _ops_of(backend)
    vars(current).pop("backend", None)
    vars(current).pop("ops", None)


def enter(backend: Any) -> Any:
    """Makes ``backend`` this thread's; returns what :func:`leave` needs to undo that."""
    previous = vars(current).get("backend", _UNSET)
    current.backend, current.ops = backend, _ops_of(backend)
    return previous


def leave(previous: Any) -> None:
    """Undoes :func:`enter`: this thread's earlier backend, or the process default again."""
    if previous is _UNSET:
        vars(current).pop("backend", None)
        vars(current).pop("ops", None)
    else:
        current.backend, current.ops = previous, _ops_of(previous)


def inheriting(function: Callable[..., Any]) -> Callable[..., Any]:
    """``function``, run on this thread's backend by whichever thread calls it (for helper threads
    such as prefetching and data workers); unchanged when this thread follows the default."""
    own = vars(current).get("backend", _UNSET)
    if own is _UNSET:
        return function

    def run(*args: Any, **kwargs: Any) -> Any:
        previous = enter(own)
        try:
            return function(*args, **kwargs)
        finally:
            leave(previous)

    return run
