"""Concatenate: joins a list of inputs along one axis."""

from __future__ import annotations

from typing import Any

from oneiros import ops
import oneiros.layers._validation as _validation
from oneiros.layers.merging.base_merge import Merge


class Concatenate(Merge):
    """Concatenates inputs along ``axis`` (counted with the batch axis, default the last one);
    every other axis must have the same size in all inputs.

    Example::

        a, b = oi.Input((4,)), oi.Input((3,))
        joined = oi.layers.Concatenate()([a, b])          # shape (None, 7)
    """

    def __init__(self, axis: int = -1, **kwargs: Any):
        super().__init__(**kwargs)
        if isinstance(axis, bool) or not isinstance(axis, int):
            raise ValueError(f"Concatenate: argument `axis` must be an int; received axis={axis!r}.")
        self.axis = axis

    def build(self, input_shape: Any) -> None:
        self.compute_output_shape(input_shape)

    def call(self, inputs: Any, mask: Any = None) -> Any:
        return ops.concatenate(self._input_list(inputs), axis=self.axis)

    def compute_output_shape(self, input_shape: Any) -> tuple:
        shapes = self._shape_list(input_shape)
        ranks = {len(shape) for shape in shapes}
        rank = len(shapes[0])
        if len(ranks) > 1 or not -rank <= self.axis < rank:
            raise ValueError(f"{_validation.describe(self)} requires inputs of one rank that have axis "
                             f"{self.axis}; received shapes {shapes}.")
        axis = self.axis % rank
        output = []
        for index in range(rank):
            sizes = [shape[index] for shape in shapes]
            if index == axis:
                output.append(None if None in sizes else sum(sizes))
                continue
            known = set(sizes) - {None}
            if len(known) > 1:
                raise ValueError(f"{_validation.describe(self)} requires inputs with matching shapes except "
                                 f"for the concatenation axis {self.axis}; received shapes {shapes}.")
            output.append(known.pop() if known else None)
        return tuple(output)

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        if mask is None:
            return None
        inputs = self._input_list(inputs)
        masks = self._mask_list(mask, len(inputs))
        if all(m is None for m in masks):
            return None
        full_masks = []
        for x, m in zip(inputs, masks):
            shape = tuple(ops.shape(x))
            if m is None:
                full_masks.append(ops.ones(shape, "bool"))
            elif len(ops.shape(m)) < len(shape):
                full_masks.append(ops.broadcast_to(ops.expand_dims(m, -1), shape))
            else:
                full_masks.append(m)
        return ops.any(ops.concatenate(full_masks, axis=self.axis), axis=-1)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "axis": self.axis}


def concatenate(inputs: list[Any], axis: int = -1, **kwargs: Any) -> Any:
    """Functional form of :class:`Concatenate`: ``layers.concatenate([a, b], axis=-1)``."""
    return Concatenate(axis=axis, **kwargs)(inputs)
