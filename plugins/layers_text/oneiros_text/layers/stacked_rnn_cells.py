"""StackedRNNCells: several recurrent cells behaving as one, each feeding the next."""

from __future__ import annotations

from typing import Any

from oneiros import ops, tree
from oneiros.layers import Layer

from oneiros_text.layers._nested import build_sublayer


class StackedRNNCells(Layer):
    """Runs ``cells`` in order at each step: the first cell's output is the second's input, and
    so on (Keras 3's StackedRNNCells). Its states are each cell's states, nested per cell
    (``[[h1, c1], [h2, c2]]`` for two LSTM cells); its output is the last cell's. ``RNN`` given a
    list of cells stacks them with this class.

    Example::

        cells = StackedRNNCells([LSTMCell(8), LSTMCell(4)])
        y = oi.layers.RNN(cells)(np.ones((2, 5, 3), "float32"))      # shape (2, 4)
    """

    def __init__(self, cells: list[Layer], **kwargs: Any):
        if not isinstance(cells, (list, tuple)) or not cells:
            raise ValueError(f"StackedRNNCells: argument `cells` must be a non-empty list of cells; received {cells!r}.")
        for cell in cells:
            if not isinstance(cell, Layer) or not hasattr(cell, "state_size"):
                raise ValueError("StackedRNNCells: every cell must be a Layer with a `state_size` and "
                                 f"call(inputs, states) -> (output, new_states); received {cell!r}.")
        super().__init__(**kwargs)
        self.cells = list(cells)

    @property
    def state_size(self) -> list[Any]:
        return [cell.state_size for cell in self.cells]

    @property
    def output_size(self) -> Any:
        last = self.cells[-1]
        if getattr(last, "output_size", None) is not None:
            return last.output_size
        size = last.state_size
        return size[0] if isinstance(size, (list, tuple)) else size

    def get_initial_state(self, batch_size: int) -> list[Any]:
        """Per cell: a list of states where its ``state_size`` is a list, else one tensor (Keras's nesting)."""
        states = []
        for cell in self.cells:
            if hasattr(cell, "get_initial_state"):
                cell_states = cell.get_initial_state(batch_size)
            else:
                cell_states = tree.map_structure(lambda width: ops.zeros((batch_size, width), self.compute_dtype),
                                                 cell.state_size)
            single = not isinstance(cell.state_size, (list, tuple)) and isinstance(cell_states, (list, tuple))
            states.append(cell_states[0] if single else cell_states)
        return states

    def build(self, input_shape: tuple) -> None:
        batch = input_shape[0]
        for cell in self.cells:
            build_sublayer(cell, input_shape)
            size = getattr(cell, "output_size", None) or cell.state_size
            input_shape = (batch, size[0] if isinstance(size, (list, tuple)) else size)

    def call(self, inputs: Any, states: Any, training: bool | None = None) -> tuple[Any, list[Any]]:
        if len(states) != len(self.cells):
            raise ValueError(f"StackedRNNCells {self.name!r} has {len(self.cells)} cells; received states for "
                             f"{len(states)}.")
        new_states = []
        for cell, cell_states in zip(self.cells, states):
            nested = isinstance(cell_states, (list, tuple))
            inputs, updated = cell(inputs, list(cell_states) if nested else [cell_states], training=training)
            updated = list(updated) if isinstance(updated, (list, tuple)) else [updated]
            new_states.append(updated if nested or len(updated) != 1 else updated[0])
        return inputs, new_states

    def get_config(self) -> dict[str, Any]:
        """The cells as Keras serializes them (with their module), so Keras reads the config too."""
        from oneiros.saving import serialize_keras_object

        return {**super().get_config(), "cells": [serialize_keras_object(cell) for cell in self.cells]}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> StackedRNNCells:
        from oneiros.saving import deserialize_keras_object

        config = dict(config)
        return cls([deserialize_keras_object(entry) for entry in config.pop("cells")], **config)
