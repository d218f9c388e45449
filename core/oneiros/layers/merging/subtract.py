"""Subtract: the difference of exactly two inputs."""

from __future__ import annotations

from typing import Any

from oneiros import ops
from oneiros.layers.merging.base_merge import Merge


class Subtract(Merge):
    """Computes ``inputs[0] - inputs[1]`` for two inputs of broadcastable shapes.

    Example::

        a, b = oi.Input((16,)), oi.Input((16,))
        difference = oi.layers.Subtract()([a, b])         # shape (None, 16)
    """

    input_count = 2

    def merge(self, inputs: list[Any], masks: list[Any]) -> Any:
        return ops.subtract(inputs[0], inputs[1])


def subtract(inputs: list[Any], **kwargs: Any) -> Any:
    """Functional form of :class:`Subtract`: ``layers.subtract([a, b])`` is ``layers.Subtract()([a, b])``."""
    return Subtract(**kwargs)(inputs)
