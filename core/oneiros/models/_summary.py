"""``model.summary()``: a table of layers, output shapes and parameter counts."""

from __future__ import annotations

import io
from typing import Any

from rich.console import Console
from rich.table import Table


def _output_shape(layer: Any) -> str:
    nodes = [node for node in layer._inbound_nodes if node.outputs]
    if not nodes:
        return "?"
    shapes = [tuple(tensor.shape) for tensor in nodes[-1].outputs]
    return str(shapes[0]) if len(shapes) == 1 else str(shapes)


def summary_text(model: Any) -> str:
    table = Table(title=f'Model: "{model.name}"')
    table.add_column("Layer (type)")
    table.add_column("Output Shape")
    table.add_column("Param #", justify="right")
    for layer in model.layers:
        table.add_row(f"{layer.name} ({type(layer).__name__})", _output_shape(layer), f"{layer.count_params():,}")
    trainable = sum(_size(v.shape) for v in model.trainable_weights if v.counts_as_parameter)
    non_trainable = sum(_size(v.shape) for v in model.non_trainable_weights if v.counts_as_parameter)
    buffer = io.StringIO()
    console = Console(file=buffer, width=100, force_terminal=False, color_system=None)
    console.print(table)
    console.print(f"Total params: {trainable + non_trainable:,}")
    console.print(f"Trainable params: {trainable:,}")
    console.print(f"Non-trainable params: {non_trainable:,}")
    return buffer.getvalue().rstrip("\n")


def _size(shape: tuple) -> int:
    size = 1
    for dim in shape:
        size *= dim
    return size
