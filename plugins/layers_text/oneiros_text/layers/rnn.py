"""RNN: runs a cell over the time axis of a sequence (the base of SimpleRNN, LSTM and GRU)."""

from __future__ import annotations

from typing import Any

from oneiros import arguments, ops, regularizers, tree
from oneiros.layers import InputSpec, Layer

from oneiros_text.layers._cell import RecurrentCell
from oneiros_text.layers._nested import build_sublayer, deserialize_layer, serialize_layer
from oneiros_text.layers._recurrence import recur
from oneiros_text.layers._state_inputs import first_mask, sequences_shape, split_initial_state, with_initial_state


def refuse_stateful(owner: str, stateful: Any) -> None:
    if stateful is not False:
        raise ValueError(
            f"{owner}: argument `stateful` must be False; received stateful={stateful!r}. Oneiros recurrent "
            "layers keep no state between calls (compiled steps are pure functions); to carry state across "
            "batches, call the layer with return_state=True and pass the states back as initial_state=."
        )


class RNN(Layer):
    """Applies ``cell`` to each step of inputs ``(batch, time, features)``, as in Keras 3.

    The cell is a layer with ``state_size`` (an int or a list of ints), optional
    ``output_size``, and ``call(inputs_t, states) -> (output_t, new_states)``; the built-in
    :class:`SimpleRNNCell`, :class:`LSTMCell` and :class:`GRUCell` draw their dropout masks once
    per sequence, outside the loop. The loop is one ``ops.scan``, which JAX compiles once.

    - ``return_sequences``: the output at every step ``(batch, time, units)``, else the last one.
    - ``return_state``: also return the final states: ``[output, *states]``.
    - ``go_backwards``: process the sequence from its end (the returned sequence is reversed).
    - ``initial_state=``: a list of state tensors (in the functional API too).
    - masks (from ``Embedding(mask_zero=True)``, ``Masking``...): a masked step keeps the states
      and repeats the previous output (zeros with ``zero_output_for_mask``, as Bidirectional sets).
    - ``stateful=True`` is refused: layers keep no state between calls; ``unroll=True`` unrolls
      the loop in compiled code.
    - a list of cells is stacked in a :class:`StackedRNNCells`; its states nest per cell, as in
      Keras (``return_state`` gives the output, then each cell's states).

    Example::

        layer = RNN(LSTMCell(16), return_sequences=True)
        y = layer(np.ones((2, 5, 3), "float32"))        # shape (2, 5, 16)
    """

    supports_masking = True

    def __init__(self, cell: Any, return_sequences: bool = False, return_state: bool = False,
                 go_backwards: bool = False, stateful: bool = False, unroll: bool = False,
                 zero_output_for_mask: bool = False, activity_regularizer: Any = None, **kwargs: Any):
        owner = type(self).__name__
        refuse_stateful(owner, stateful)
        if isinstance(cell, (list, tuple)):
            from oneiros_text.layers.stacked_rnn_cells import StackedRNNCells

            cell = StackedRNNCells(list(cell))
        if not isinstance(cell, Layer) or not hasattr(cell, "state_size"):
            raise ValueError(f"{owner}: argument `cell` must be a Layer with a `state_size` and "
                             f"call(inputs, states) -> (output, new_states); received {cell!r}.")
        flags = {name: arguments.flag(owner, name, value) for name, value in (
            ("return_sequences", return_sequences), ("return_state", return_state),
            ("go_backwards", go_backwards), ("unroll", unroll), ("zero_output_for_mask", zero_output_for_mask))}
        super().__init__(**kwargs)
        self.cell = cell
        self.return_sequences = flags["return_sequences"]
        self.return_state = flags["return_state"]
        self.go_backwards = flags["go_backwards"]
        self.unroll = flags["unroll"]
        self.zero_output_for_mask = flags["zero_output_for_mask"]
        self.stateful = False
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self.input_spec = InputSpec(min_ndim=3)

    def __call__(self, inputs: Any, initial_state: Any = None, **kwargs: Any) -> Any:
        return super().__call__(with_initial_state(inputs, initial_state), **kwargs)

    @property
    def state_size(self) -> list[int]:
        size = self.cell.state_size
        return list(size) if isinstance(size, (list, tuple)) else [size]

    @property
    def output_size(self) -> int:
        return getattr(self.cell, "output_size", None) or self.state_size[0]

    def build(self, input_shape: Any) -> None:
        shape = sequences_shape(input_shape)
        build_sublayer(self.cell, (shape[0], *shape[2:]))

    def get_initial_state(self, batch_size: int) -> list[Any]:
        if hasattr(self.cell, "get_initial_state"):
            states = self.cell.get_initial_state(batch_size)
            return list(states) if isinstance(states, (list, tuple)) else [states]
        return [tree.map_structure(lambda width: ops.zeros((batch_size, width), self.compute_dtype), size)
                for size in self.state_size]

    def call(self, inputs: Any, mask: Any = None, training: bool | None = None) -> Any:
        sequences, initial_state = split_initial_state(inputs)
        states = initial_state if initial_state is not None else self.get_initial_state(ops.shape(sequences)[0])
        if len(states) != len(self.state_size):
            raise ValueError(f"{type(self).__name__} {self.name!r} has {len(self.state_size)} states of sizes "
                             f"{self.state_size}; received {len(states)} initial states.")
        step_inputs, step = self._step_function(sequences, training, states)
        last_output, outputs, final_states = recur(
            step, step_inputs, tree.flatten(states), self.output_size, mask=first_mask(mask),
            go_backwards=self.go_backwards, zero_output_for_mask=self.zero_output_for_mask,
            return_sequences=self.return_sequences, unroll=self.unroll,
            output_is_first_state=isinstance(self.cell, RecurrentCell),
        )
        output = outputs if self.return_sequences else last_output
        final_states = tree.pack_sequence_as(list(states), final_states)
        return (output, *final_states) if self.return_state else output

    def _step_function(self, sequences: Any, training: bool | None, states: list[Any]) -> tuple[Any, Any]:
        """(what the loop scans over, the step) for this cell; the loop carries the states flat and
        the step gives the cell its nested ``states`` structure (stacked cells)."""
        cell = self.cell
        if isinstance(cell, RecurrentCell):
            shape = ops.shape(sequences)
            input_masks, recurrent_masks = cell.dropout_masks(shape[0], shape[-1], training)
            if input_masks is not None and len(input_masks) == 1:
                # One mask for all gates and steps: one multiplication of the whole sequence.
                sequences = ops.multiply(sequences, ops.expand_dims(input_masks[0], 1))
                input_masks = None

            def dropout_step(inputs_t: Any, states: tuple) -> tuple[Any, list[Any]]:
                return cell.step(inputs_t, states, input_masks, recurrent_masks)

            return sequences, dropout_step

        def cell_step(inputs_t: Any, flat_states: tuple) -> tuple[Any, list[Any]]:
            output, new_states = cell(inputs_t, tree.pack_sequence_as(list(states), list(flat_states)),
                                      training=training)
            return output, tree.flatten(new_states)

        return sequences, cell_step

    def compute_output_shape(self, input_shape: Any) -> Any:
        shape = sequences_shape(input_shape)
        batch = shape[0]
        output = (batch, shape[1], self.output_size) if self.return_sequences else (batch, self.output_size)
        if self.return_state:
            return (output, *(tree.map_structure(lambda width: (batch, width), size) for size in self.state_size))
        return output

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        output_mask = first_mask(mask) if self.return_sequences else None
        if self.return_state:
            return [output_mask] + [None] * len(self.state_size)
        return output_mask

    def _loop_config(self) -> dict[str, Any]:
        return {
            "return_sequences": self.return_sequences,
            "return_state": self.return_state,
            "go_backwards": self.go_backwards,
            "stateful": self.stateful,
            "unroll": self.unroll,
            "zero_output_for_mask": self.zero_output_for_mask,
            "activity_regularizer": regularizers.serialize(self.activity_regularizer),
        }

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "cell": serialize_layer(self.cell), **self._loop_config()}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> RNN:
        config = dict(config)
        return cls(deserialize_layer(config.pop("cell")), **config)
