"""The mask a tensor carries (``_keras_mask``), as Keras attaches it to layer outputs.

Backend tensors that take attributes (jax arrays) carry it directly; others (numpy arrays,
tracers) are looked up by identity for as long as they live. Values that take neither (a graph
builder's symbols with ``__slots__``) carry it for the duration of the outermost layer call,
which is where masks travel from layer to layer.
"""

from __future__ import annotations

import threading
import weakref
from typing import Any

_detached: dict[int, Any] = {}


class _CallScope(threading.local):
    masks: dict[int, tuple[Any, Any]] | None = None


_scope = _CallScope()


def open_call_scope() -> bool:
    """Starts the outermost layer call's mask store; False when one is already open."""
    if _scope.masks is not None:
        return False
    _scope.masks = {}
    return True


def close_call_scope() -> None:
    _scope.masks = None


def set_keras_mask(x: Any, mask: Any) -> None:
    """Attaches ``mask`` to ``x`` (``None`` removes it)."""
    try:
        x._keras_mask = mask
        return
    except (AttributeError, TypeError):
        pass
    key = id(x)
    if mask is None:
        _detached.pop(key, None)
        if _scope.masks is not None:
            _scope.masks.pop(key, None)
        return
    try:
        weakref.finalize(x, _detached.pop, key, None)
        _detached[key] = mask
    except TypeError:
        if _scope.masks is not None:
            _scope.masks[key] = (x, mask)  # holding x keeps its id from being reused meanwhile


def get_keras_mask(x: Any) -> Any:
    """The mask attached to ``x``, or ``None``."""
    mask = getattr(x, "_keras_mask", None)
    if mask is None and _detached:
        mask = _detached.get(id(x))
    if mask is None and _scope.masks:
        held = _scope.masks.get(id(x))
        mask = held[1] if held is not None and held[0] is x else None
    return mask


def attached_mask(inputs: Any) -> Any:
    """The mask of one input, or the list of masks of a list of inputs; ``None`` when none has one."""
    if isinstance(inputs, (list, tuple)):
        masks = [get_keras_mask(x) for x in inputs]
        return masks if any(m is not None for m in masks) else None
    if isinstance(inputs, dict):
        return None
    return get_keras_mask(inputs)
