"""Calling a traced function without ``tf.function``'s per-call argument matching.

Every ``tf.function`` call turns each argument leaf into a trace type, looks the traced
signatures up by subtype checks and casts each tensor against its spec: about 0.45 ms of Python
per call for a training state of 25 tensors (measured on the 2-core CPU), a tenth of an MLP
step. :class:`FlatDispatch` keys a call on its argument structure, dtypes and shapes, keeps the
concrete function ``tf.function`` traced for that key, and calls it with the flat tensors.

Calls the key cannot describe take ``tf.function``'s own path: keyword arguments, a leaf other
than an eager tensor or a None/bool/int/str, the same tensor passed twice (``tf.function``
traces aliased arguments as one input), DTensors (their layouts are part of the signature)
and calls inside a trace.
"""

from __future__ import annotations

from typing import Any

import tensorflow as tf

from oneiros_tensorflow.distribution._inputs import distribution_bound

_PYTHON_LEAVES = (type(None), bool, int, str)


class _Unkeyed(Exception):
    """An argument :func:`_describe` cannot key."""


def _describe(value: Any, tensors: list[Any]) -> Any:
    """A hashable description of ``value``; its tensors are appended to ``tensors`` in the
    order ``tf.function`` flattens them (sequences in order, dicts by sorted key)."""
    if isinstance(value, tf.Tensor):
        tensors.append(value)
        return value.dtype, tuple(value.shape)
    kind = type(value)
    if kind is list or kind is tuple or (issubclass(kind, tuple) and hasattr(kind, "_fields")):
        return kind, tuple(_describe(item, tensors) for item in value)
    if kind is dict:
        return kind, tuple((key, _describe(value[key], tensors)) for key in sorted(value))
    if kind in _PYTHON_LEAVES:
        return kind, value
    raise _Unkeyed(kind)


def _signature(args: tuple) -> tuple[Any, list[Any]] | None:
    """``(key, flat tensors)`` for a call with ``args``, or None where the key cannot describe it."""
    tensors: list[Any] = []
    try:
        key = _describe(args, tensors)
    except _Unkeyed:
        return None
    if len({id(tensor) for tensor in tensors}) != len(tensors):
        return None
    return key, tensors


def _takes(concrete: Any, tensors: list[Any]) -> bool:
    """Whether ``concrete``'s inputs are ``tensors`` in order (dtypes and shapes agree)."""
    inputs = concrete.inputs[:len(concrete.inputs) - len(concrete.captured_inputs)]
    return len(inputs) == len(tensors) and all(
        placeholder.dtype == tensor.dtype and placeholder.shape.is_compatible_with(tensor.shape)
        for placeholder, tensor in zip(inputs, tensors))


class FlatDispatch:
    """``function(*args)`` for a ``tf.function``, through its concrete function per signature."""

    def __init__(self, function: Any) -> None:
        self.function = function
        self._concrete: dict[Any, Any] = {}

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        signature = None if kwargs or distribution_bound() or not tf.executing_eagerly() else _signature(args)
        if signature is None:
            return self.function(*args, **kwargs)
        key, tensors = signature
        concrete = self._concrete.get(key)
        if concrete is not None:
            # Private, but the call tf.function itself ends in once it has matched the arguments.
            return concrete._call_flat(tensors, concrete.captured_inputs)
        result = self.function(*args)
        if key not in self._concrete:
            traced = self.function.get_concrete_function(*args)
            self._concrete[key] = traced if _takes(traced, tensors) else None
        return result
