"""The loop behind every recurrent layer: one ``ops.scan`` over time, with Keras's mask rules.

A masked step (mask False for that sample) keeps the previous states and outputs either zeros
(``zero_output_for_mask``) or the previous output (the first state, as Keras assumes). With
``go_backwards`` the loop runs from the last step to the first and the returned sequence is in
processing order (reversed), as in Keras.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from oneiros import ops

Step = Callable[[Any, tuple], tuple[Any, Sequence[Any]]]
"""``step(inputs_t, states) -> (output_t, new_states)`` for one time step of a batch."""


def recur(step: Step, inputs: Any, initial_states: Sequence[Any], output_size: int, *, mask: Any = None,
          go_backwards: bool = False, zero_output_for_mask: bool = False, return_sequences: bool = False,
          unroll: bool = False) -> tuple[Any, Any, list[Any]]:
    """Runs ``step`` over axis 1 of ``inputs`` (batch, time, ...).

    Returns ``(last_output, outputs, final_states)``; ``outputs`` (batch, time, output_size) is
    None unless ``return_sequences``.
    """
    batch, time = ops.shape(inputs)[:2]
    states = tuple(initial_states)
    initial_output = ops.zeros((batch, output_size), ops.dtype(states[0]))
    time_major = ops.moveaxis(inputs, 1, 0)
    if mask is not None:
        keep = ops.expand_dims(ops.moveaxis(ops.cast(mask, "bool"), 1, 0), -1)
        scanned: Any = (time_major, keep)
    else:
        scanned = time_major

    def body(carry: tuple, step_inputs: Any) -> tuple[tuple, Any]:
        previous_states, _ = carry
        if mask is None:
            output, new_states = step(step_inputs, previous_states)
            new_states = tuple(new_states)
        else:
            inputs_t, keep_t = step_inputs
            output, new_states = step(inputs_t, previous_states)
            fallback = ops.zeros_like(output) if zero_output_for_mask else previous_states[0]
            output = ops.where(keep_t, output, fallback)
            new_states = tuple(ops.where(keep_t, new, old) for new, old in zip(new_states, previous_states))
        return (new_states, output), (output if return_sequences else ())

    (final_states, last_output), outputs = ops.scan(
        body, (states, initial_output), scanned, reverse=go_backwards, unroll=time if unroll else 1,
    )
    if not return_sequences:
        return last_output, None, list(final_states)
    if go_backwards:
        outputs = ops.flip(outputs, axis=0)
    return last_output, ops.moveaxis(outputs, 0, 1), list(final_states)
