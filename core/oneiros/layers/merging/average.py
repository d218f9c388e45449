"""Average: the entry-wise mean of a list of inputs."""

from __future__ import annotations

from typing import Any

from oneiros import ops
from oneiros.layers.merging.base_merge import Merge, fold


class Average(Merge):
    """Averages a list of inputs of broadcastable shapes.

    Example::

        a, b = oi.Input((16,)), oi.Input((16,))
        mean = oi.layers.Average()([a, b])                # shape (None, 16)
    """

    def merge(self, inputs: list[Any], masks: list[Any]) -> Any:
        return ops.divide(fold(ops.add, inputs), float(len(inputs)))


def average(inputs: list[Any], **kwargs: Any) -> Any:
    """Functional form of :class:`Average`: ``layers.average([a, b])`` is ``layers.Average()([a, b])``."""
    return Average(**kwargs)(inputs)
