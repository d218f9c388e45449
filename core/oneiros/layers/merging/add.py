"""Add: the sum of a list of inputs."""

from __future__ import annotations

from typing import Any

from oneiros import ops
from oneiros.layers.merging.base_merge import Merge, fold


class Add(Merge):
    """Adds a list of inputs of broadcastable shapes; the output mask is the OR of the inputs'.

    Example::

        a, b = oi.Input((16,)), oi.Input((16,))
        total = oi.layers.Add()([a, b])                   # shape (None, 16)
    """

    def merge(self, inputs: list[Any], masks: list[Any]) -> Any:
        return fold(ops.add, inputs)


def add(inputs: list[Any], **kwargs: Any) -> Any:
    """Functional form of :class:`Add`: ``layers.add([a, b])`` is ``layers.Add()([a, b])``."""
    return Add(**kwargs)(inputs)
