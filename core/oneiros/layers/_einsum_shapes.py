"""Reads an EinsumDense equation: the kernel, bias and output shapes it implies for an input."""

from __future__ import annotations

import re
from dataclasses import dataclass

_FORMS = (
    (re.compile(r"([a-zA-Z]+),([a-zA-Z]+)->([a-zA-Z]+)"), None),
    (re.compile(r"\.\.\.([a-zA-Z]+),([a-zA-Z]+)->\.\.\.([a-zA-Z]+)"), "left"),
    (re.compile(r"([a-zA-Z]{2,})\.\.\.,([a-zA-Z]+)->([a-zA-Z]+)\.\.\."), "right"),
)
FORMS_TEXT = "'ab,bc->ac', '...b,bc->...c' or 'ab...,bc->ac...'"


@dataclass(frozen=True)
class Equation:
    """The three subscripts of ``input,kernel->output`` and where the ellipsis is, if any."""

    inputs: str
    kernel: str
    outputs: str
    ellipsis: str | None


@dataclass(frozen=True)
class EinsumShapes:
    kernel: tuple[int, ...]
    bias: tuple[int, ...] | None
    output: tuple[int | None, ...]
    kernel_input_axes: tuple[int, ...]
    kernel_output_axes: tuple[int, ...]


def parse(equation: str) -> Equation | None:
    """The parts of ``equation``, or None when it is not one of the supported forms."""
    if not isinstance(equation, str):
        return None
    for pattern, ellipsis in _FORMS:
        match = pattern.fullmatch(equation.replace(" ", ""))
        if match:
            return Equation(*match.groups(), ellipsis)
    return None


def analyze(equation: Equation, bias_axes: str | None, input_shape: tuple,
            partial_output: tuple) -> EinsumShapes:
    """Shapes for inputs of ``input_shape``; ``partial_output`` is the user's output shape
    without the batch axis and the ellipsis axes. Raises ValueError naming the inconsistency."""
    elided = len(input_shape) - len(equation.inputs)
    if (equation.ellipsis is None and elided != 0) or (equation.ellipsis == "left" and elided < 1) or elided < 0:
        raise ValueError(f"the equation's input subscripts {equation.inputs!r} do not fit inputs of shape "
                         f"{input_shape}.")
    expected = len(equation.outputs) if equation.ellipsis == "left" else len(equation.outputs) - 1
    if len(partial_output) != expected:
        raise ValueError(f"output_shape {partial_output} must give {expected} sizes (the output subscripts "
                         f"{equation.outputs!r} without the batch axis); it gives {len(partial_output)}.")
    if equation.ellipsis == "left":
        output = [*input_shape[:elided], *partial_output]
        offset = elided
    else:
        output = [input_shape[0], *partial_output, *input_shape[len(input_shape) - elided:]]
        offset = 0
    input_axis = {letter: index + offset for index, letter in enumerate(equation.inputs)}
    output_axis = {letter: index + offset for index, letter in enumerate(equation.outputs)}
    for letter, index in output_axis.items():
        if letter in input_axis:
            size = input_shape[input_axis[letter]]
            if output[index] is not None and size is not None and output[index] != size:
                raise ValueError(f"axis {letter!r} has size {size} in the inputs but {output[index]} in "
                                 "output_shape.")
            output[index] = size if output[index] is None else output[index]
        elif letter not in equation.kernel:
            raise ValueError(f"output axis {letter!r} appears in neither the input subscripts "
                             f"{equation.inputs!r} nor the kernel subscripts {equation.kernel!r}.")
    kernel, input_axes, output_axes = [], [], []
    for position, letter in enumerate(equation.kernel):
        if letter in output_axis:
            kernel.append(output[output_axis[letter]])
            output_axes.append(position)
        elif letter in input_axis:
            kernel.append(input_shape[input_axis[letter]])
            input_axes.append(position)
        else:
            raise ValueError(f"kernel axis {letter!r} appears in neither the input subscripts "
                             f"{equation.inputs!r} nor the output subscripts {equation.outputs!r}.")
    if any(size is None for size in kernel):
        raise ValueError(f"the kernel subscripts {equation.kernel!r} need known sizes; they get {tuple(kernel)}.")
    return EinsumShapes(tuple(kernel), _bias_shape(equation, bias_axes, output, output_axis, elided),
                        tuple(output), tuple(input_axes), tuple(output_axes))


def _bias_shape(equation: Equation, bias_axes: str | None, output: list, output_axis: dict[str, int],
                elided: int) -> tuple[int, ...] | None:
    """The bias covers the output from its first bias axis on, with size 1 on other axes."""
    if bias_axes is None:
        return None
    missing = [letter for letter in bias_axes if letter not in equation.outputs]
    if missing:
        raise ValueError(f"bias_axes {bias_axes!r} name axes {missing} that are not in the output subscripts "
                         f"{equation.outputs!r}.")
    first = min(equation.outputs.index(letter) for letter in bias_axes)
    shape = [output[output_axis[letter]] if letter in bias_axes else 1 for letter in equation.outputs[first:]]
    if equation.ellipsis == "right":
        shape += [1] * elided
    if any(size is None for size in shape):
        raise ValueError(f"bias_axes {bias_axes!r} need known output sizes; the output shape is {tuple(output)}.")
    return tuple(shape)
