"""Dot: per-sample dot products between two inputs."""

from __future__ import annotations

import string
from collections.abc import Sequence
from typing import Any

from oneiros import ops
from oneiros.backend._keras_settings import EPSILON as NORMALIZE_EPSILON
import oneiros.layers._validation as _validation
from oneiros.layers.merging.base_merge import Merge


class Dot(Merge):
    """For each sample, contracts axis ``axes[0]`` of the first input with axis ``axes[1]`` of the
    second (an int uses the same axis for both; axes count the batch axis, which cannot be
    contracted). The output keeps the first input's other axes, then the second's; a result
    with no axis besides the batch gets shape ``(batch, 1)``. With ``normalize=True`` both inputs
    are L2-normalized along the contracted axes first, so the output is a cosine similarity.

    Example::

        a, b = oi.Input((8,)), oi.Input((8,))
        similarity = oi.layers.Dot(axes=1, normalize=True)([a, b])    # shape (None, 1)
    """

    input_count = 2

    def __init__(self, axes: int | Sequence[int], normalize: bool = False, **kwargs: Any):
        super().__init__(**kwargs)
        if isinstance(axes, int) and not isinstance(axes, bool):
            self.axes: int | list[int] = axes
        elif isinstance(axes, (list, tuple)) and len(axes) == 2 and all(
                isinstance(axis, int) and not isinstance(axis, bool) for axis in axes):
            self.axes = list(axes)
        else:
            raise ValueError(f"Dot: argument `axes` must be an int or a pair of ints; received axes={axes!r}.")
        self.normalize = bool(normalize)

    def build(self, input_shape: Any) -> None:
        self.compute_output_shape(input_shape)

    def call(self, inputs: Any, mask: Any = None) -> Any:
        x1, x2 = self._input_list(inputs)
        shapes = [tuple(ops.shape(x1)), tuple(ops.shape(x2))]
        axis1, axis2 = self._resolved_axes(shapes)
        if self.normalize:
            x1, x2 = _l2_normalized(x1, axis1), _l2_normalized(x2, axis2)
        letters = iter(string.ascii_letters[1:])
        first = ["a"] + [next(letters) for _ in shapes[0][1:]]
        second = ["a"] + [next(letters) for _ in shapes[1][1:]]
        second[axis2] = first[axis1]
        kept = [c for i, c in enumerate(first) if i != axis1] + [c for i, c in enumerate(second[1:], 1) if i != axis2]
        output = ops.einsum(f"{''.join(first)},{''.join(second)}->{''.join(kept)}", x1, x2)
        return ops.expand_dims(output, -1) if len(kept) == 1 else output

    def compute_output_shape(self, input_shape: Any) -> tuple:
        shapes = self._shape_list(input_shape)
        batch = self._batch_size(shapes)
        axis1, axis2 = self._resolved_axes(shapes)
        first, second = shapes
        rest = [d for i, d in enumerate(first[1:], 1) if i != axis1] + [
            d for i, d in enumerate(second[1:], 1) if i != axis2]
        return (batch, *(rest or [1]))

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        return None

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "axes": self.axes, "normalize": self.normalize}

    def _resolved_axes(self, shapes: list[tuple]) -> tuple[int, int]:
        wanted = [self.axes, self.axes] if isinstance(self.axes, int) else self.axes
        resolved = []
        for axis, shape in zip(wanted, shapes):
            if len(shape) < 2 or not -len(shape) <= axis < len(shape) or axis % len(shape) == 0:
                raise ValueError(f"{_validation.describe(self)} with axes={self.axes} needs inputs of rank >= 2 "
                                 f"with a non-batch axis {axis}; received shapes {shapes}.")
            resolved.append(axis % len(shape))
        first, second = (shape[axis] for shape, axis in zip(shapes, resolved))
        if first is not None and second is not None and first != second:
            raise ValueError(f"{_validation.describe(self)} contracts axis {resolved[0]} (size {first}) of the "
                             f"first input with axis {resolved[1]} (size {second}) of the second, which differ; "
                             f"received shapes {shapes}.")
        return resolved[0], resolved[1]


def _l2_normalized(x: Any, axis: int) -> Any:
    """``x / max(||x||, epsilon)`` along ``axis``, with a gradient that stays finite at 0."""
    squares = ops.sum(ops.square(x), axis=axis, keepdims=True)
    return ops.multiply(x, ops.rsqrt(ops.maximum(squares, NORMALIZE_EPSILON**2)))


def dot(inputs: list[Any], axes: int | Sequence[int] = -1, normalize: bool = False, **kwargs: Any) -> Any:
    """Functional form of :class:`Dot`: ``layers.dot([a, b], axes=-1)``."""
    return Dot(axes=axes, normalize=normalize, **kwargs)(inputs)
