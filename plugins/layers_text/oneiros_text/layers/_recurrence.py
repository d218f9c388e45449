"""The loop behind every recurrent layer: one ``ops.scan`` over time, with Keras's mask rules.

A masked step (mask False for that sample) keeps the previous states and outputs either zeros
(``zero_output_for_mask``) or the previous output. With
``go_backwards`` the loop runs from the last step to the first and the returned sequence is in
processing order (reversed), as in Keras.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from oneiros import ops

Step = Callable[[Any, tuple], tuple[Any, Sequence[Any]]]
"""``step(inputs_t, states) -> (output_t, new_states)`` for one time step of a batch."""


def recur(step: Step, inputs: Any, initial_states: Sequence[Any], output_size: int | tuple[int, ...], *,
          mask: Any = None, go_backwards: bool = False, zero_output_for_mask: bool = False, return_sequences: bool = False,
          unroll: bool = False, output_is_first_state: bool = False) -> tuple[Any, Any, list[Any]]:
    """Runs ``step`` over axis 1 of ``inputs`` (batch, time, ...).

    Returns ``(last_output, outputs, final_states)``; ``outputs`` (batch, time, output_size) is
    None unless ``return_sequences``; ``output_size`` is a tuple where a step's output has several
    axes (the convolutional LSTMs). ``output_is_first_state`` (true of the built-in cells)
    lets the loop carry the states alone: the last output is then the final first state.
    """
    batch, time = ops.shape(inputs)[:2]
    time_major = ops.moveaxis(inputs, 1, 0)
    keep = None if mask is None else ops.expand_dims(ops.moveaxis(ops.cast(mask, "bool"), 1, 0), -1)
    carries_output = not output_is_first_state or (zero_output_for_mask and mask is not None)

    def masked_step(states: tuple, step_inputs: Any, previous_output: Any) -> tuple[Any, tuple]:
        if keep is None:
            output, new_states = step(step_inputs, states)
            return output, tuple(new_states)
        inputs_t, keep_t = step_inputs
        output, new_states = step(inputs_t, states)
        fallback = ops.zeros_like(output) if zero_output_for_mask else previous_output
        return (_select(keep_t, output, fallback),
                tuple(_select(keep_t, new, old) for new, old in zip(new_states, states)))

    def body(carry: Any, step_inputs: Any) -> tuple[Any, Any]:
        states, previous_output = carry if carries_output else (carry, carry[0])
        output, new_states = masked_step(states, step_inputs, previous_output)
        new_carry = (new_states, output) if carries_output else new_states
        return new_carry, (output if return_sequences else ())

    states = tuple(initial_states)
    output_shape = (batch, *output_size) if isinstance(output_size, tuple) else (batch, output_size)
    init = (states, ops.zeros(output_shape, ops.dtype(states[0]))) if carries_output else states
    final, outputs = ops.scan(body, init, time_major if keep is None else (time_major, keep),
                              reverse=go_backwards, unroll=time if unroll else 1)
    final_states, last_output = final if carries_output else (final, final[0])
    if not return_sequences:
        return last_output, None, list(final_states)
    if go_backwards:
        outputs = ops.flip(outputs, axis=0)
    return last_output, ops.moveaxis(outputs, 0, 1), list(final_states)


def _select(keep: Any, new: Any, old: Any) -> Any:
    """``new`` for the samples whose step is kept, else ``old``; ``keep`` (batch, 1) is reshaped to
    broadcast over every axis of a state (ConvLSTM states are (batch, *spatial, filters))."""
    rank = len(ops.shape(new))
    return ops.where(ops.reshape(keep, (-1,) + (1,) * (rank - 1)), new, old)
