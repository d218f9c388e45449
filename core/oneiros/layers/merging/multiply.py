"""Multiply: the entry-wise product of a list of inputs."""

from __future__ import annotations

from typing import Any

from oneiros import ops
from oneiros.layers.merging.base_merge import Merge


class Multiply(Merge):
    """Multiplies a list of inputs of broadcastable shapes. Under masks, masked steps count as 1
    in the product; when every input has a mask, steps masked in all of them are 0 (as in Keras).

    Example::

        a, b = oi.Input((16,)), oi.Input((16,))
        product = oi.layers.Multiply()([a, b])            # shape (None, 16)
    """

    def merge(self, inputs: list[Any], masks: list[Any]) -> Any:
        output, output_mask = None, None
        for x, mask in zip(inputs, masks):
            if mask is not None:
                mask = ops.broadcast_to(ops.expand_dims(mask, -1), tuple(ops.shape(x)))
                x = ops.where(mask, x, ops.ones_like(x))
                output_mask = mask if output_mask is None else ops.logical_or(output_mask, mask)
            output = x if output is None else ops.multiply(output, x)
        if all(mask is not None for mask in masks):
            output = ops.where(output_mask, output, ops.zeros_like(output))
        return output


def multiply(inputs: list[Any], **kwargs: Any) -> Any:
    """Functional form of :class:`Multiply`: ``layers.multiply([a, b])`` is ``layers.Multiply()([a, b])``."""
    return Multiply(**kwargs)(inputs)
