"""The mask a tensor carries (``_keras_mask``), as Keras attaches it to layer outputs.

Backend tensors that take attributes (jax arrays) carry it directly; others (numpy arrays,
tracers) are looked up by identity for as long as they live.
"""

from __future__ import annotations

import weakref
from typing import Any

_detached: dict[int, Any] = {}


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
        return
    try:
        weakref.finalize(x, _detached.pop, key, None)
    except TypeError:
        return  # values without weak references (Python numbers) carry no mask, as in Keras
    _detached[key] = mask


def get_keras_mask(x: Any) -> Any:
    """The mask attached to ``x``, or ``None``."""
    mask = getattr(x, "_keras_mask", None)
    if mask is None and _detached:
        mask = _detached.get(id(x))
    return mask


def attached_mask(inputs: Any) -> Any:
    """The mask of one input, or the list of masks of a list of inputs; ``None`` when none has one."""
    if isinstance(inputs, (list, tuple)):
        masks = [get_keras_mask(x) for x in inputs]
        return masks if any(m is not None for m in masks) else None
    if isinstance(inputs, dict):
        return None
    return get_keras_mask(inputs)
