"""Initial states travel with the sequences as one input list, so functional graphs see them.

``layer(x, initial_state=[h, c])`` becomes ``layer([x, h, c])``: the core's graph records the
inputs of a call, not tensors hidden in keyword arguments.
"""

from __future__ import annotations

from typing import Any


def with_initial_state(inputs: Any, initial_state: Any) -> Any:
    if initial_state is None:
        return inputs
    states = list(initial_state) if isinstance(initial_state, (list, tuple)) else [initial_state]
    return [inputs, *states]


def split_initial_state(inputs: Any) -> tuple[Any, list[Any] | None]:
    """(sequences, initial states or None) from what :func:`with_initial_state` made."""
    if isinstance(inputs, (list, tuple)):
        return inputs[0], list(inputs[1:]) or None
    return inputs, None


def sequences_shape(input_shape: Any) -> tuple:
    """The sequences' shape from a shape or a list of shapes (sequences first)."""
    if input_shape and isinstance(input_shape[0], (list, tuple)):
        return tuple(input_shape[0])
    return tuple(input_shape)


def first_mask(mask: Any) -> Any:
    """The sequences' mask from a mask or a list of masks (one per input)."""
    return mask[0] if isinstance(mask, (list, tuple)) else mask
