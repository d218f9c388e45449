"""``model.summary()``: a table of layers, output shapes and parameter counts."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator, Sequence
from typing import Any

from rich.console import Console
from rich.table import Column, Table

DEFAULT_WIDTH = 100
HEADERS = ("Layer (type)", "Output Shape", "Param #")


def _output_shape(layer: Any) -> str:
    nodes = [node for node in layer._inbound_nodes if node.outputs]
    if not nodes:
        return "?"
    shapes = [tuple(tensor.shape) for tensor in nodes[-1].outputs]
    return str(shapes[0]) if len(shapes) == 1 else str(shapes)


def layer_range_bounds(layers: Sequence[Any], layer_range: Sequence[str] | None) -> tuple[int, int]:
    """Keras's ``layer_range``: from the first layer whose name matches the first pattern to the
    last one matching the second (both included, ``re.match``)."""
    if layer_range is None:
        return 0, len(layers)
    if not isinstance(layer_range, (list, tuple)) or len(layer_range) != 2 \
            or not all(isinstance(pattern, str) for pattern in layer_range):
        raise ValueError(f"layer_range must be a list or tuple of 2 strings (layer name patterns); received "
                         f"{layer_range!r}.")
    lower = [i for i, layer in enumerate(layers) if re.match(layer_range[0], layer.name)]
    upper = [i for i, layer in enumerate(layers) if re.match(layer_range[1], layer.name)]
    if not lower or not upper:
        raise ValueError(f"layer_range {list(layer_range)} matches no layer name at one end; layers: "
                         f"{[layer.name for layer in layers]}.")
    if min(lower) > max(upper):
        raise ValueError(f"layer_range {list(layer_range)}: the first pattern matches after the second.")
    return min(lower), max(upper) + 1


def _column_widths(positions: Sequence[float] | None, count: int, width: int) -> list[int] | None:
    """Keras's ``positions``: where each column ends, as fractions of the line (or characters)."""
    if positions is None:
        return None
    if len(positions) != count or any(not isinstance(p, (int, float)) or p <= 0 for p in positions):
        raise ValueError(f"positions must hold {count} increasing positive numbers (one per column); received "
                         f"{positions!r}.")
    ends = [int(p * width) if p <= 1 else int(p) for p in positions]
    widths = [end - start for start, end in zip([0, *ends[:-1]], ends)]
    if any(w < 4 for w in widths):
        raise ValueError(f"positions {list(positions)} leave a column narrower than 4 characters in a line of {width}.")
    return widths


def _rows(layers: Sequence[Any], expand_nested: bool, depth: int = 0) -> Iterator[tuple[Any, int]]:
    for layer in layers:
        yield layer, depth
        if expand_nested and layer._sublayers:
            yield from _rows(layer.layers, expand_nested, depth + 1)


def summary_text(model: Any, line_length: int | None = None, positions: Sequence[float] | None = None,
                 expand_nested: bool = False, show_trainable: bool = False,
                 layer_range: Sequence[str] | None = None) -> str:
    headers = HEADERS + (("Trainable",) if show_trainable else ())
    width = DEFAULT_WIDTH if line_length is None else line_length
    if not isinstance(width, int) or isinstance(width, bool) or width < 4 * len(headers):
        raise ValueError(f"line_length must be an int of at least {4 * len(headers)}; received {line_length!r}.")
    widths = _column_widths(positions, len(headers), width) or [None] * len(headers)
    justify = ("left", "left", "right", "center")
    columns = [Column(header, justify=justify[i], width=widths[i]) for i, header in enumerate(headers)]
    table = Table(*columns, title=f'Model: "{model.name}"')
    start, end = layer_range_bounds(model.layers, layer_range)
    for layer, depth in _rows(model.layers[start:end], expand_nested):
        row = [f"{'  ' * depth}{layer.name} ({type(layer).__name__})", _output_shape(layer),
               f"{layer.count_params():,}"]
        if show_trainable:
            row.append("Y" if layer.trainable else "N")
        table.add_row(*row)
    trainable = sum(_size(v.shape) for v in model.trainable_weights if v.counts_as_parameter)
    non_trainable = sum(_size(v.shape) for v in model.non_trainable_weights if v.counts_as_parameter)
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, force_terminal=False, color_system=None)
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
