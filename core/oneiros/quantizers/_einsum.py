"""Where an EinsumDense equation reduces, and how per-channel scales line up with its output:
Keras's ``_analyze_quantization_info`` (keras/src/layers/core/einsum_dense.py), so that int8
kernels and scales have Keras's shapes and values."""

from __future__ import annotations

import string
from dataclasses import dataclass
from typing import Any

from oneiros import ops
from oneiros.layers._einsum_shapes import parse


@dataclass(frozen=True)
class EinsumQuantization:
    """Per operand ("input", "kernel"): the axes absent from the output (reduced by the scale),
    and the transpose, expand and squeeze that bring a keepdims scale to the output's layout."""

    input_reduced: tuple[int, ...]
    kernel_reduced: tuple[int, ...]
    transpose: dict[str, tuple[int, ...]]
    expand: dict[str, tuple[int, ...]]
    squeeze: dict[str, tuple[int, ...]]

    def aligned(self, scale: Any, operand: str) -> Any:
        """``scale`` (keepdims over the operand's reduced axes) laid out to broadcast against the output."""
        if self.transpose[operand]:
            scale = ops.transpose(scale, self.transpose[operand])
        for axis in sorted(self.expand[operand]):
            scale = ops.expand_dims(scale, axis)
        if self.squeeze[operand]:
            scale = ops.squeeze(scale, axis=self.squeeze[operand])
        return scale

    def kernel_scale_shape(self, kernel_shape: tuple[int, ...]) -> tuple[int, ...]:
        shape = [1 if axis in self.kernel_reduced else size for axis, size in enumerate(kernel_shape)]
        shape = [shape[axis] for axis in self.transpose["kernel"]]
        for axis in sorted(self.expand["kernel"]):
            shape.insert(axis, 1)
        for axis in sorted(self.squeeze["kernel"], reverse=True):
            shape.pop(axis)
        return tuple(shape)


def _subscripts(equation: str, input_ndim: int) -> tuple[str, str, str]:
    """The input, kernel and output subscripts with the ellipsis spelled out in unused letters."""
    parts = parse(equation)
    if parts is None:
        raise ValueError(f"Cannot quantize EinsumDense with equation {equation!r}.")
    inputs, kernel, outputs = parts.inputs, parts.kernel, parts.outputs
    free = sorted(set(string.ascii_letters) - set(inputs) - set(kernel) - set(outputs))
    elided = "".join(free[:input_ndim - len(inputs)]) if parts.ellipsis else ""
    if parts.ellipsis == "left":
        return elided + inputs, kernel, elided + outputs
    return inputs + elided, kernel, outputs + elided


def analyze(equation: str, input_ndim: int) -> EinsumQuantization:
    specs = dict(zip(("input", "kernel"), _subscripts(equation, input_ndim)))
    output = _subscripts(equation, input_ndim)[2]
    reduced, transpose, expand, squeeze = {}, {}, {}, {}
    # Keras's loop reuses the last insertion index when a reduced axis has no expanded one to pair
    # with; it starts from the value its earlier loops left behind.
    index = output.find(specs["kernel"][-1])
    for operand, spec in specs.items():
        reduced[operand] = [axis for axis, letter in enumerate(spec) if letter not in output]
        expand[operand] = [axis for axis, letter in enumerate(output) if letter not in spec]
        transpose[operand] = [spec.index(letter) for letter in output if letter in spec]
        squeeze[operand] = []
        for axis in reduced[operand]:
            # A reduced axis takes the place of an output axis the operand lacks (no longer expanded).
            if expand[operand]:
                index = expand[operand].pop(0)
            else:
                squeeze[operand].append(axis)
            transpose[operand].insert(index, axis)
    return EinsumQuantization(tuple(reduced["input"]), tuple(reduced["kernel"]),
                              {key: tuple(value) for key, value in transpose.items()},
                              {key: tuple(value) for key, value in expand.items()},
                              {key: tuple(value) for key, value in squeeze.items()})
