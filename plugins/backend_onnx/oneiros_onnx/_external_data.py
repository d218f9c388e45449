"""Where an ONNX file's tensors keep their data: refusing external data outside the file's folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from onnx import AttributeProto, GraphProto, ModelProto, TensorProto

from oneiros_onnx.errors import UnsafeModelError


def _graph_tensors(graph: GraphProto) -> Iterator[TensorProto]:
    yield from graph.initializer
    for sparse in graph.sparse_initializer:
        yield sparse.values
        yield sparse.indices
    for node in graph.node:
        for attribute in node.attribute:
            if attribute.type == AttributeProto.TENSOR:
                yield attribute.t
            elif attribute.type == AttributeProto.TENSORS:
                yield from attribute.tensors
            elif attribute.type == AttributeProto.SPARSE_TENSOR:
                yield attribute.sparse_tensor.values
                yield attribute.sparse_tensor.indices
            elif attribute.type == AttributeProto.GRAPH:
                yield from _graph_tensors(attribute.g)
            elif attribute.type == AttributeProto.GRAPHS:
                for subgraph in attribute.graphs:
                    yield from _graph_tensors(subgraph)


def external_locations(model: ModelProto) -> list[str]:
    """The ``location`` of every tensor whose data lives in another file."""
    locations = []
    for tensor in _graph_tensors(model.graph):
        if tensor.data_location == TensorProto.EXTERNAL:
            entries = {entry.key: entry.value for entry in tensor.external_data}
            locations.append(entries.get("location", ""))
    return locations


def check_external_data(model: ModelProto, folder: Path) -> None:
    """Raises UnsafeModelError unless every external-data file lies inside ``folder``.

    Absolute paths, ``..`` and symbolic links out of the folder are all refused: a model file
    must not make the loader read arbitrary files.
    """
    root = folder.resolve()
    for location in external_locations(model):
        if not location or Path(location).is_absolute() or Path(location).drive:
            raise UnsafeModelError(f"The model's tensor data is at {location!r}; external data must be a relative "
                                   f"path inside the model's folder {root}.")
        target = (root / location).resolve()
        if not target.is_relative_to(root):
            raise UnsafeModelError(f"The model's tensor data {location!r} resolves to {target}, outside the model's "
                                   f"folder {root}; refusing to read it.")
        if not target.is_file():
            raise UnsafeModelError(f"The model's tensor data file {location!r} does not exist in {root}.")
