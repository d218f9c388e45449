"""Backend selection: ``ONEIROS_BACKEND``, a config file, or :func:`set_backend` at run time;
and Keras's ``keras.backend`` readers of the numeric settings (``epsilon()``, ``floatx()``,
``image_data_format()``) and their setters, see :mod:`oneiros.backend._keras_settings`.

The config file is ``$ONEIROS_HOME/config.json`` (default ``~/.oneiros/config.json``), e.g.
``{"backend": "jax"}``. Without any of these the default is ``jax`` when it is installed and
loads, else the ``numpy`` reference (inference only).
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
from collections.abc import Iterator
from pathlib import Path

from oneiros.backend import _active
from oneiros.backend._base import (
    BFLOAT16,
    DISTRIBUTED,
    FUSED_STEPS,
    JAX_STEPS,
    JIT,
    KNOWN_CAPABILITIES,
    TRAINABLE,
    Backend,
)
from oneiros.backend._keras_settings import (
    epsilon,
    floatx,
    image_data_format,
    set_epsilon,
    set_floatx,
    set_image_data_format,
)
from oneiros.errors import OneirosError

__all__ = [
    "BFLOAT16", "DISTRIBUTED", "FUSED_STEPS", "JAX_STEPS", "JIT", "KNOWN_CAPABILITIES", "TRAINABLE",
    "Backend", "available_backends", "backend_scope", "config_path", "current_backend",
    "epsilon", "floatx", "get_backend", "image_data_format", "set_backend", "set_epsilon", "set_floatx",
    "set_image_data_format",
]

DEFAULT_ORDER = ("jax", "numpy")

_instances: dict[str, Backend] = {}
_lock = threading.RLock()


def config_path() -> Path:
    home = os.environ.get("ONEIROS_HOME")
    return (Path(home) if home else Path.home() / ".oneiros") / "config.json"


def _configured_name() -> str | None:
    name = os.environ.get("ONEIROS_BACKEND")
    if name:
        return name
    path = config_path()
    if path.is_file():
        try:
            config = json.loads(path.read_text())
        except (OSError, ValueError) as exc:
            raise OneirosError(f"Cannot read the Oneiros config file {path}: {exc}") from exc
        if not isinstance(config, dict) or not isinstance(config.get("backend", ""), str):
            raise OneirosError(f"{path}: expected a JSON object like {{\"backend\": \"jax\"}}")
        return config.get("backend") or None
    return None


def _registry():
    from oneiros._plugins import host

    return host().registry("backends")


def available_backends() -> list[str]:
    """Plain names of every registered backend (instantiating none)."""
    return _registry().names()


def _instantiate(name: str) -> Backend:
    entry = _registry().entry(name)
    with _lock:
        if entry.qualified_name not in _instances:
            backend = entry.obj()
            if not isinstance(backend, Backend):
                raise OneirosError(
                    f"Backend factory {entry.qualified_name!r} returned {type(backend).__name__}; "
                    "expected an oneiros.backend.Backend instance."
                )
            _instances[entry.qualified_name] = backend
        return _instances[entry.qualified_name]


def _default() -> Backend:
    configured = _configured_name()
    if configured:
        return _instantiate(configured)
    names = available_backends()
    for name in DEFAULT_ORDER:
        if name in names:
            try:
                return _instantiate(name)
            except ImportError:
                continue
    raise OneirosError(f"No usable backend among {names}.")


def get_backend(name: str | None = None) -> Backend:
    """The backend called ``name``, or the active one (choosing the default on first use)."""
    if name is not None:
        return name if isinstance(name, Backend) else _instantiate(name)
    if _active.current.backend is None:
        with _lock:
            if _active.current.backend is None:
                _active.set_default(_default())
    return _active.current.backend


current_backend = get_backend


def set_backend(name: str | Backend) -> Backend:
    """Makes ``name`` the process-wide backend: every thread outside a :func:`backend_scope`
    runs its ops on it from now on. Returns it."""
    backend = name if isinstance(name, Backend) else _instantiate(name)
    _active.set_default(backend)
    return backend


@contextlib.contextmanager
def backend_scope(name: str | Backend) -> Iterator[Backend]:
    """Runs the block on backend ``name`` in this thread only, then restores the previous one."""
    backend = name if isinstance(name, Backend) else _instantiate(name)
    previous = _active.enter(backend)
    try:
        yield backend
    finally:
        _active.leave(previous)
