"""MaxNumBoundingBoxes: pads or truncates bounding boxes to a fixed count per image."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from oneiros import arguments, ops
from oneiros.layers import Layer



class MaxNumBoundingBoxes(Layer):
    """Makes ``bounding_boxes["boxes"]`` (batch, n, 4) and ``["labels"]`` (batch, n) hold exactly
    ``max_number`` boxes per image: the first ``max_number`` are kept, missing ones are filled
    with ``fill_value``. Takes Keras's dict ``{"images": ..., "bounding_boxes": {"boxes": ...,
    "labels": ...}}`` and returns it with the boxes changed; images pass through untouched, and
    a plain images tensor is returned as it is. ``bounding_box_format`` ("xyxy", ...) is kept
    for Keras compatibility: truncating and padding do not depend on it.

    Example::

        layer = oi.layers.MaxNumBoundingBoxes(max_number=10)
        data = layer({"images": images, "bounding_boxes": {"boxes": boxes, "labels": labels}})
    """

    def __init__(self, max_number: int, fill_value: int = -1, bounding_box_format: str | None = None, **kwargs: Any):
        owner = type(self).__name__
        max_number = arguments.positive_int(owner, "max_number", max_number)
        if not isinstance(fill_value, (int, float)) or isinstance(fill_value, bool):
            raise ValueError(f"{owner}: argument `fill_value` must be a number; received fill_value={fill_value!r}.")
        super().__init__(**kwargs)
        self.max_number = max_number
        self.fill_value = int(fill_value)
        self.bounding_box_format = bounding_box_format

    def build(self, input_shape: Any) -> None:
        if isinstance(input_shape, Mapping) and "bounding_boxes" in input_shape:
            unsupported = set(input_shape["bounding_boxes"]) - {"boxes", "labels"}
            if unsupported:
                raise KeyError(f"{type(self).__name__} {self.name!r}: `bounding_boxes` may hold only 'boxes' and "
                               f"'labels'; received the keys {sorted(unsupported)} too.")

    def call(self, inputs: Any) -> Any:
        if not isinstance(inputs, Mapping) or "bounding_boxes" not in inputs:
            return inputs
        boxes = {name: self._fixed_count(value) for name, value in inputs["bounding_boxes"].items()}
        return {**inputs, "bounding_boxes": boxes}

    def _fixed_count(self, values: Any) -> Any:
        shape = tuple(ops.shape(values))
        kept = ops.slice(values, (0,) * len(shape), (shape[0], min(shape[1], self.max_number), *shape[2:]))
        missing = self.max_number - ops.shape(kept)[1]
        if missing == 0:
            return kept
        padding = ((0, 0), (0, missing)) + ((0, 0),) * (len(shape) - 2)
        return ops.pad(kept, padding, constant_values=self.fill_value)

    def compute_output_shape(self, input_shape: Any) -> Any:
        if not isinstance(input_shape, Mapping) or "bounding_boxes" not in input_shape:
            return input_shape
        boxes = {name: (shape[0], self.max_number, *shape[2:]) for name, shape in input_shape["bounding_boxes"].items()}
        return {**input_shape, "bounding_boxes": boxes}

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "max_number": self.max_number, "fill_value": self.fill_value,
                "bounding_box_format": self.bounding_box_format}
