"""Minimum: the entry-wise minimum of a list of inputs."""

from __future__ import annotations

from typing import Any

from oneiros import ops
from oneiros.layers.merging.base_merge import Merge, masked_fold


class Minimum(Merge):
    """Takes the smallest entry across a list of inputs of broadcastable shapes. Under masks, a
    masked step of one input takes the other input's value (as in Keras).

    Example::

        a, b = oi.Input((16,)), oi.Input((16,))
        minimum = oi.layers.Minimum()([a, b])              # shape (None, 16)
    """

    def merge(self, inputs: list[Any], masks: list[Any]) -> Any:
        return masked_fold(ops.minimum, inputs, masks)


def minimum(inputs: list[Any], **kwargs: Any) -> Any:
    """Functional form of :class:`Minimum`: ``layers.minimum([a, b])`` is ``layers.Minimum()([a, b])``."""
    return Minimum(**kwargs)(inputs)
