"""The shared part of the merging layers (Add, Subtract, Multiply, Average, Maximum, Minimum,
Concatenate, Dot): a list of inputs in, one tensor out."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from oneiros import ops
import oneiros.layers._validation as _validation
from oneiros.layers.layer import Layer


class Merge(Layer):
    """Combines a list of inputs entry-wise after broadcasting them as Keras does: shapes are
    aligned on their last axes (lower-rank inputs get size-1 axes after the batch axis), and
    sizes must be equal or 1.

    Subclasses implement :meth:`merge`; ``input_count`` fixes how many inputs they take.
    """

    supports_masking = True
    input_count: int | None = None

    def build(self, input_shape: Any) -> None:
        self._merged_shape(self._shape_list(input_shape))

    def call(self, inputs: Any, mask: Any = None) -> Any:
        inputs = self._input_list(inputs)
        rank = max(len(ops.shape(x)) for x in inputs)
        aligned = []
        for x in inputs:
            for _ in range(rank - len(ops.shape(x))):
                x = ops.expand_dims(x, 1)
            aligned.append(x)
        return self.merge(aligned, self._mask_list(mask, len(inputs)))

    def compute_output_shape(self, input_shape: Any) -> tuple:
        return self._merged_shape(self._shape_list(input_shape))

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        if mask is None:
            return None
        masks = self._mask_list(mask, len(self._input_list(inputs)))
        if any(m is None for m in masks):
            return None
        merged = masks[0]
        for m in masks[1:]:
            merged = ops.logical_or(merged, m)
        return merged

    def merge(self, inputs: list[Any], masks: list[Any]) -> Any:
        """Combines ``inputs`` (same rank, broadcastable); ``masks`` holds each input's mask or None."""
        raise NotImplementedError(f"{type(self).__name__} must implement merge(inputs, masks).")

    def _count_problem(self, count: int) -> str | None:
        if self.input_count is not None and count != self.input_count:
            return f"exactly {self.input_count} inputs"
        return None if count >= 1 else "at least 1 input"

    def _shape_list(self, input_shape: Any) -> list[tuple]:
        if not isinstance(input_shape, (list, tuple)) or not all(
                isinstance(shape, (list, tuple)) for shape in input_shape):
            raise ValueError(f"{_validation.describe(self)} should be called on a list of inputs; "
                             f"received input shape {input_shape}.")
        shapes = [tuple(shape) for shape in input_shape]
        problem = self._count_problem(len(shapes))
        if problem is not None:
            raise ValueError(f"{_validation.describe(self)} should be called on {problem}; received "
                             f"{len(shapes)} inputs of shapes {shapes}.")
        return shapes

    def _input_list(self, inputs: Any) -> list[Any]:
        if not isinstance(inputs, (list, tuple)):
            raise ValueError(f"{_validation.describe(self)} should be called on a list of inputs; received "
                             f"one input of shape {tuple(ops.shape(inputs))}.")
        self._shape_list([tuple(ops.shape(x)) for x in inputs])
        return list(inputs)

    def _mask_list(self, mask: Any, count: int) -> list[Any]:
        if mask is None:
            return [None] * count
        masks = list(mask) if isinstance(mask, (list, tuple)) else [mask]
        if len(masks) != count:
            raise ValueError(f"{_validation.describe(self)} received {len(masks)} masks for {count} inputs; "
                             "expected one mask (or None) per input.")
        return masks

    def _batch_size(self, shapes: list[tuple]) -> int | None:
        sizes = {shape[0] for shape in shapes if shape} - {None}
        if len(sizes) > 1:
            raise ValueError(f"{_validation.describe(self)} cannot merge inputs with different batch sizes; "
                             f"received shapes {shapes}.")
        return sizes.pop() if sizes else None

    def _merged_shape(self, shapes: list[tuple]) -> tuple:
        batch = self._batch_size(shapes)
        merged: tuple = shapes[0][1:]
        for shape in shapes[1:]:
            merged = self._broadcast(merged, shape[1:], shapes)
        return (batch, *merged)

    def _broadcast(self, first: tuple, second: tuple, shapes: list[tuple]) -> tuple:
        if len(first) < len(second):
            first, second = second, first
        lead = first[:len(first) - len(second)]
        tail = []
        for a, b in zip(first[len(lead):], second):
            if a is None or b is None:
                tail.append(None)
            elif a == 1 or b == 1 or a == b:
                tail.append(b if a == 1 else a)
            else:
                raise ValueError(f"{_validation.describe(self)} received inputs with incompatible shapes "
                                 f"{shapes}: sizes {a} and {b} neither match nor broadcast (one of them 1).")
        return (*lead, *tail)


def fold(combine: Callable[[Any, Any], Any], inputs: list[Any]) -> Any:
    """``combine`` applied left to right over ``inputs``."""
    result = inputs[0]
    for x in inputs[1:]:
        result = combine(result, x)
    return result


def masked_fold(combine: Callable[[Any, Any], Any], inputs: list[Any], masks: list[Any]) -> Any:
    """Like :func:`fold`, but where one input is masked the other's value is used (Maximum and
    Minimum under masks, as in Keras)."""
    output, output_mask = inputs[0], _feature_mask(masks[0], inputs[0])
    for x, mask in zip(inputs[1:], masks[1:]):
        mask = _feature_mask(mask, x)
        if mask is not None:
            x = ops.where(mask, x, output)
        if output_mask is not None:
            output = ops.where(output_mask, output, x)
        output_mask = ops.logical_or(output_mask, mask) if mask is not None and output_mask is not None else None
        output = combine(output, x)
    return output


def _feature_mask(mask: Any, x: Any) -> Any:
    """A mask over all but the last axis, broadcast to ``x``'s shape."""
    if mask is None:
        return None
    return ops.broadcast_to(ops.expand_dims(mask, -1), tuple(ops.shape(x)))
