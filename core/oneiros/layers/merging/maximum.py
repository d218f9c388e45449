"""Maximum: the entry-wise maximum of a list of inputs."""

from __future__ import annotations

from typing import Any

from oneiros import ops
from oneiros.layers.merging.base_merge import Merge, masked_fold


class Maximum(Merge):
    """Takes the largest entry across a list of inputs of broadcastable shapes. Under masks, a
    masked step of one input takes the other input's value (as in Keras).

    Example::

        a, b = oi.Input((16,)), oi.Input((16,))
        maximum = oi.layers.Maximum()([a, b])              # shape (None, 16)
    """

    def merge(self, inputs: list[Any], masks: list[Any]) -> Any:
        return masked_fold(ops.maximum, inputs, masks)


def maximum(inputs: list[Any], **kwargs: Any) -> Any:
    """Functional form of :class:`Maximum`: ``layers.maximum([a, b])`` is ``layers.Maximum()([a, b])``."""
    return Maximum(**kwargs)(inputs)
