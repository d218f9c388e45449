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
          unroll: bool = False, output_is_first_state: bool = False) -> tuple[Any, Any, list[Any]]:
    """Runs ``step`` over axis 1 of ``inputs`` (batch, time, ...).

    Returns ``(last_output, outputs, final_states)``; ``outputs`` (batch, time, output_size) is
    None unless ``return_sequences``. ``output_is_first_state`` (true of the built-in cells)
    lets the loop carry the states alone: the last output is then the final first state.
    """
    batch, time = ops.shape(inputs)[:2]
    time_major = ops.moveaxis(inputs, 1, 0)
    keep = None if mask is None else ops.expand_dims(ops.moveaxis(ops.cast(mask, "bool"), 1, 0), -1)
    carries_output = not output_is_first_state or (zero_output_for_mask and mask is not None)

    def masked_step(states: tuple, step_inputs: Any) -> tuple[Any, tuple]:
        if keep is None:
            output, new_states = step(step_inputs, states)
            return output, tuple(new_states)
        inputs_t, keep_t = step_inputs
        output, new_states = step(inputs_t, states)
        fallback = ops.zeros_like(output) if zero_output_for_mask else states[0]
        return (ops.where(keep_t, output, fallback),
                tuple(ops.where(keep_t, new, old) for new, old in zip(new_states, states)))

    def body(carry: Any, step_inputs: Any) -> tuple[Any, Any]:
        states = carry[0] if carries_output else carry
        output, new_states = masked_step(states, step_inputs)
        new_carry = (new_states, output) if carries_output else new_states
        return new_carry, (output if return_sequences else ())

    states = tuple(initial_states)
    init = (states, ops.zeros((batch, output_size), ops.dtype(states[0]))) if carries_output else states
    final, outputs = ops.scan(body, init, time_major if keep is None else (time_major, keep),
                              reverse=go_backwards, unroll=time if unroll else 1)
    final_states, last_output = final if carries_output else (final, final[0])
    if not return_sequences:
        return last_output, None, list(final_states)
    if go_backwards:
        outputs = ops.flip(outputs, axis=0)
    return last_output, ops.moveaxis(outputs, 0, 1), list(final_states)
