"""CellLayer: an RNN whose cell is built from the layer's own arguments (SimpleRNN, LSTM, GRU).

Its config lists the cell's arguments and the loop's options flat, as Keras writes them; the
cell is always named after its class (``lstm_cell``...), so weight paths are stable.
"""

from __future__ import annotations

from typing import Any

from oneiros.layers import Layer

from oneiros_text.layers.rnn import RNN, refuse_stateful

_LAYER_KEYS = ("name", "trainable", "dtype", "input_shape")
_LOOP_ARGUMENTS = ("return_sequences", "return_state", "go_backwards", "stateful", "unroll",
                   "zero_output_for_mask", "activity_regularizer")


class CellLayer(RNN):
    """Base of SimpleRNN, LSTM and GRU: ``cell_class`` and ``cell_name`` say which cell to build."""

    cell_class: type
    cell_name: str

    def __init__(self, units: int, stateful: bool = False, **arguments: Any):
        refuse_stateful(type(self).__name__, stateful)
        layer_arguments = {key: arguments.pop(key) for key in _LAYER_KEYS + _LOOP_ARGUMENTS if key in arguments}
        cell = self.cell_class(units, name=self.cell_name, dtype=layer_arguments.get("dtype"),
                               trainable=layer_arguments.get("trainable", True), **arguments)
        super().__init__(cell, stateful=stateful, **layer_arguments)

    @property
    def units(self) -> int:
        return self.cell.units

    def get_config(self) -> dict[str, Any]:
        config = {**Layer.get_config(self), **self._loop_config()}
        cell_config = self.cell.get_config()
        for key in _LAYER_KEYS:
            cell_config.pop(key, None)
        return {**config, **cell_config}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> CellLayer:
        return cls(**config)
