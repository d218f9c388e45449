"""plot_model and model_to_dot: a model's layer graph drawn with pydot and Graphviz, as Keras draws it."""

from __future__ import annotations

import html
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

RANKDIRS = ("TB", "LR")
GRAPHVIZ_PACKAGE = "graphviz"
"""The Debian/Ubuntu package with the ``dot`` program (``apt-get install graphviz``)."""
SOURCE_FORMATS = ("dot", "gv")
"""Suffixes written as DOT source, which needs pydot but not the ``dot`` program."""


@dataclass
class _Entry:
    """One layer in a drawn graph: the layers feeding it, and what flows in and out."""

    layer: Any
    inbound: list[Any] = field(default_factory=list)
    input_shapes: list[Any] = field(default_factory=list)
    output_shapes: list[Any] = field(default_factory=list)
    input_dtypes: list[str] = field(default_factory=list)
    output_dtypes: list[str] = field(default_factory=list)


def model_to_dot(model: Any, show_shapes: bool = False, show_dtype: bool = False, show_layer_names: bool = True,
                 rankdir: str = "TB", expand_nested: bool = False, dpi: int = 200, subgraph: bool = False,
                 show_layer_activations: bool = False, show_trainable: bool = False, splines: str = "ortho") -> Any:
    """A ``pydot.Dot`` of ``model``'s layers (one box per layer, one arrow per connection), as
    ``keras.utils.model_to_dot``; ``expand_nested`` draws nested models as boxed subgraphs."""
    pydot = _pydot("model_to_dot")
    rankdir = _rankdir(rankdir)
    options = {"show_shapes": show_shapes, "show_dtype": show_dtype, "show_layer_names": show_layer_names,
               "show_layer_activations": show_layer_activations, "show_trainable": show_trainable,
               "expand_nested": expand_nested}
    if subgraph:
        dot = pydot.Cluster(style="dashed", graph_name=f"cluster_{id(model)}", label=html.escape(model.name))
    else:
        dot = pydot.Dot(graph_type="digraph", rankdir=rankdir, dpi=str(dpi), splines=splines, concentrate="true")
        dot.set_node_defaults(shape="plaintext", fontname="Helvetica")
    _draw(pydot, dot, model, options)
    return dot


def plot_model(model: Any, to_file: str | os.PathLike = "model.png", show_shapes: bool = False,
               show_dtype: bool = False, show_layer_names: bool = False, rankdir: str = "TB",
               expand_nested: bool = False, dpi: int = 200, show_layer_activations: bool = False,
               show_trainable: bool = False, splines: str = "ortho") -> Any:
    """Draws ``model`` into ``to_file`` (the suffix picks the format: .png, .svg, .pdf, .jpg... through
    Graphviz's ``dot`` program, or .dot/.gv for the DOT source alone), as ``keras.utils.plot_model``.

    Needs the ``pydot`` package and, for drawn formats, Graphviz (Debian: ``apt-get install graphviz``);
    without them it raises ImportError naming what to install. Like Keras, it returns an
    ``IPython.display.Image`` of a drawn file where IPython is installed (so a notebook shows it),
    else None.

    Example::

        oi.utils.plot_model(model, "model.svg", show_shapes=True, show_dtype=True, rankdir="LR")
    """
    path = Path(to_file)
    file_format = path.suffix[1:].lower() or "png"
    if file_format not in SOURCE_FORMATS and shutil.which("dot") is None:
        _pydot("plot_model")
        raise ImportError(f"plot_model needs Graphviz's `dot` program to write {file_format.upper()} files and it is "
                          f"not on PATH: install Graphviz (Debian/Ubuntu: `apt-get install {GRAPHVIZ_PACKAGE}`, "
                          "macOS: `brew install graphviz`), or write the DOT source with a .dot file name.")
    dot = model_to_dot(model, show_shapes=show_shapes, show_dtype=show_dtype, show_layer_names=show_layer_names,
                       rankdir=rankdir, expand_nested=expand_nested, dpi=dpi,
                       show_layer_activations=show_layer_activations, show_trainable=show_trainable,
                       splines=splines)
    if file_format in SOURCE_FORMATS:
        path.write_text(dot.to_string())
        return None
    dot.write(str(path), format=file_format)
    if file_format == "pdf":
        return None
    try:
        from IPython import display
    except ImportError:
        return None
    return display.Image(filename=str(path))


def _pydot(caller: str) -> Any:
    try:
        import pydot
    except ImportError as exc:
        raise ImportError(f"{caller} needs the `pydot` package: `pip install pydot` (or `pip install "
                          "oneiros[plot]`), plus Graphviz for images.") from exc
    return pydot


def _rankdir(value: Any) -> str:
    if value not in RANKDIRS:
        raise ValueError(f"plot_model: argument `rankdir` must be 'TB' or 'LR'; received rankdir={value!r}.")
    return value


def _is_graph(layer: Any) -> bool:
    return hasattr(layer, "_nodes") or hasattr(layer, "_stack")


def _entries(model: Any) -> list[_Entry]:
    """The layers of a functional or Sequential model in call order, with their connections."""
    if hasattr(model, "_nodes"):
        entries = []
        for node in model._nodes:
            inputs = node.input_tensors()
            outputs = list(node.outputs)
            entries.append(_Entry(node.layer, [tensor.node.layer for tensor in inputs],
                                  [t.shape for t in inputs or outputs], [t.shape for t in outputs],
                                  [t.dtype for t in inputs or outputs], [t.dtype for t in outputs]))
        return entries
    if hasattr(model, "_stack"):
        layers = ([model._input_layer] if getattr(model, "_input_layer", None) is not None else []) + model.layers
        entries = []
        for position, layer in enumerate(layers):
            entry = _Entry(layer, layers[position - 1:position])
            nodes = [node for node in layer._inbound_nodes if node.outputs]
            if nodes:
                inputs = nodes[-1].input_tensors() or nodes[-1].outputs
                entry.input_shapes, entry.input_dtypes = [t.shape for t in inputs], [t.dtype for t in inputs]
                entry.output_shapes = [t.shape for t in nodes[-1].outputs]
                entry.output_dtypes = [t.dtype for t in nodes[-1].outputs]
            entries.append(entry)
        return entries
    return [_Entry(model)]


def _draw(pydot: Any, container: Any, model: Any, options: dict[str, Any]) -> tuple[list[str], list[str]]:
    """Adds ``model``'s layers to ``container``; returns the node ids where arrows into it end and
    those where arrows out of it start."""
    ends: dict[int, tuple[list[str], list[str]]] = {}
    consumed: set[int] = set()
    for entry in _entries(model):
        layer = entry.layer
        if id(layer) in ends:
            continue
        if options["expand_nested"] and layer is not model and _is_graph(layer):
            cluster = pydot.Cluster(graph_name=f"cluster_{id(layer)}", label=html.escape(layer.name), style="dashed")
            ends[id(layer)] = _draw(pydot, cluster, layer, options)
            container.add_subgraph(cluster)
        else:
            node_id = str(id(layer))
            container.add_node(pydot.Node(node_id, label=_label(entry, options)))
            ends[id(layer)] = ([node_id], [node_id])
        for source in entry.inbound:
            consumed.add(id(source))
            for tail in ends[id(source)][1]:
                for head in ends[id(layer)][0]:
                    container.add_edge(pydot.Edge(tail, head, penwidth="2"))
    starts = [end for entry in _entries(model) if not entry.inbound for end in ends[id(entry.layer)][0]]
    exits = [end for key, (_, outs) in ends.items() if key not in consumed for end in outs]
    return starts, exits


def _label(entry: _Entry, options: dict[str, Any]) -> str:
    """An HTML-like Graphviz label: the layer's class (and name), then the rows asked for."""
    layer = entry.layer
    title = f"<b>{html.escape(type(layer).__name__)}</b>"
    if options["show_layer_names"]:
        title = f"<b>{html.escape(layer.name)}</b> ({html.escape(type(layer).__name__)})"
    rows = [f'<tr><td colspan="2" bgcolor="#ccdff2">{title}</td></tr>']
    activation = getattr(layer, "activation", None)
    if options["show_layer_activations"] and callable(activation):
        rows.append(_row("Activation", getattr(activation, "__name__", type(activation).__name__)))
    if options["show_shapes"]:
        rows.append(_pair("Input shape", _describe(entry.input_shapes), "Output shape", _describe(entry.output_shapes)))
    if options["show_dtype"]:
        rows.append(_pair("Input dtype", _describe(entry.input_dtypes), "Output dtype",
                          _describe(entry.output_dtypes)))
    if options["show_trainable"]:
        rows.append(_row("Trainable", "True" if layer.trainable else "False"))
    return f'<<table border="0" cellborder="1" cellspacing="0" cellpadding="6">{"".join(rows)}</table>>'


def _row(name: str, value: str) -> str:
    return f'<tr><td colspan="2">{html.escape(name)}: {html.escape(value)}</td></tr>'


def _pair(first: str, first_value: str, second: str, second_value: str) -> str:
    return (f"<tr><td>{html.escape(first)}: {html.escape(first_value)}</td>"
            f"<td>{html.escape(second)}: {html.escape(second_value)}</td></tr>")


def _describe(values: list[Any]) -> str:
    if not values:
        return "?"
    return str(values[0]) if len(values) == 1 else str(values)
