"""An ONNX graph under construction, and the symbolic tensors (values of that graph) ops build on.

A :class:`Graph` collects nodes in the order ops emit them. Constants and weights are
initializers of the root graph; subgraphs (loop bodies, branches) refer to them, and to any
value of an enclosing graph, by name, as ONNX allows.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

import numpy as np
from onnx import GraphProto, NodeProto, TensorProto, ValueInfoProto, helper, numpy_helper

from oneiros_onnx._dims import DynamicDim
from oneiros_onnx._dtypes import element_type
from oneiros_onnx.errors import LoweringError, TracedValueError

BATCH = "batch"


class Symbol:
    """A tensor of a graph being traced: a value name, a static shape and a dtype name.

    Sizes in ``shape`` are ints; a :class:`DynamicDim` stands for a size known at run time.
    Python operators (``+``, ``*``, ``x[i]``...) call the onnx backend's ops, which install them
    (``oneiros_onnx.ops``), so that this module needs none of the lowerings.
    """

    __slots__ = ("graph", "name", "shape", "dtype")
    __array_ufunc__ = None  # numpy defers to our reflected operators

    def __init__(self, graph: Graph, name: str, shape: Sequence[int], dtype: str):
        self.graph = graph
        self.name = name
        self.shape = tuple(shape)
        self.dtype = dtype

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def size(self) -> int:
        total = 1
        for dim in self.shape:
            total *= dim
        return total

    def __repr__(self) -> str:
        return f"<traced {self.dtype}{list(self.shape)} {self.name}>"

    def no_value(self, what: str) -> LoweringError:
        """The error for Python asking this tensor for its value (``what``: the operation)."""
        return TracedValueError(
            what, f"the traced tensor {self.dtype}{list(self.shape)} has no value while the ONNX graph is "
            "built; write the computation with oneiros.ops (ops.where, ops.cond) instead of Python "
            "control flow or numpy")

    def __bool__(self) -> bool:
        raise self.no_value("bool()")

    def __float__(self) -> float:
        raise self.no_value("float()")

    def __int__(self) -> int:
        raise self.no_value("int()")

    def __index__(self) -> int:
        raise self.no_value("int()")

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        raise self.no_value("numpy.asarray()")

    def __iter__(self) -> Any:
        if not self.shape or isinstance(self.shape[0], DynamicDim):
            raise self.no_value("iteration")
        return (self[index] for index in range(self.shape[0]))

    def __len__(self) -> int:
        if not self.shape:
            raise TypeError("len() of a 0-d tensor")
        if isinstance(self.shape[0], DynamicDim):
            raise self.no_value("len()")
        return int(self.shape[0])

    def __hash__(self) -> int:
        return id(self)


class Graph:
    """Nodes, inputs and initializers of one ONNX graph; ``parent`` is the enclosing graph."""

    def __init__(self, parent: Graph | None = None):
        self.parent = parent
        self.root: Graph = parent.root if parent is not None else self
        self.nodes: list[NodeProto] = []
        self.inputs: list[ValueInfoProto] = []
        self.input_names: set[str] = set()
        self.produced: set[str] = set()
        self.materialized: dict[int, tuple[DynamicDim, Symbol]] = {}
        if parent is None:
            self._counter = itertools.count()
            self.initializers: list[TensorProto] = []
            self._constants: dict[tuple, Symbol] = {}

    def fresh(self, prefix: str) -> str:
        # A leading "/" keeps generated names apart from layer names (which have no "/") and
        # from weight paths such as "dense/kernel" (which never start with one).
        return f"/{next(self.root._counter)}/{prefix}"

    def encloses(self, graph: Graph) -> bool:
        """True when values of ``graph`` are visible here (it is this graph or an ancestor)."""
        current: Graph | None = self
        while current is not None:
            if current is graph:
                return True
            current = current.parent
        return False

    def add_input(self, dtype: str, shape: Sequence[int], name: str | None = None) -> Symbol:
        name = name or self.fresh("input")
        self.inputs.append(value_info(name, dtype, shape))
        self.input_names.add(name)
        return Symbol(self, name, shape, dtype)

    def add_batched_input(self, dtype: str, shape: Sequence[int], name: str | None = None) -> Symbol:
        """An input whose first axis (the batch) has a size known only at run time."""
        symbol = self.add_input(dtype, shape, name)
        if symbol.shape:
            symbol.shape = (DynamicDim.of(symbol, 0, BATCH), *symbol.shape[1:])
            self.inputs[-1] = value_info(symbol.name, dtype, symbol.shape)
        return symbol

    def add_node(self, op_type: str, inputs: Sequence[str], outputs: int | Sequence[str] = 1,
                 **attributes: Any) -> list[str]:
        names = [self.fresh(op_type.lower()) for _ in range(outputs)] if isinstance(outputs, int) \
            else list(outputs)
        self.nodes.append(helper.make_node(op_type, list(inputs), names, name=self.fresh(op_type), **attributes))
        self.produced.update(names)
        return names

    def initializer(self, array: np.ndarray, name: str | None = None) -> Symbol:
        """``array`` as a constant of the root graph (small constants are shared)."""
        root = self.root
        dtype = array.dtype.name
        key = None
        if name is None and array.size <= 16:
            key = (dtype, array.shape, array.tobytes())
            cached = root._constants.get(key)
            if cached is not None:
                return cached
        name = name or root.fresh("const")
        root.initializers.append(numpy_helper.from_array(np.asarray(array, order="C"), name))
        symbol = Symbol(root, name, array.shape, dtype)
        if key is not None:
            root._constants[key] = symbol
        return symbol

    def proto(self, outputs: Sequence[Symbol], name: str, output_names: Sequence[str] | None = None) -> GraphProto:
        """The GraphProto returning ``outputs`` (renamed to ``output_names`` when given).

        An output that this graph did not compute (an input, a constant, an outer value, or a
        repeat) goes through an Identity node, since ONNX outputs name values of their graph.
        """
        nodes = list(self.nodes)
        taken: set[str] = set()
        final: list[ValueInfoProto] = []
        for index, symbol in enumerate(outputs):
            wanted = output_names[index] if output_names is not None else None
            source = symbol.name
            if wanted is not None or source not in self.produced or source in taken \
                    or source in self.input_names:
                target = wanted or self.fresh("output")
                nodes.append(helper.make_node("Identity", [source], [target], name=self.fresh("Identity")))
                source = target
            taken.add(source)
            final.append(value_info(source, symbol.dtype, symbol.shape))
        initializers = []
        if self.parent is None:
            read = _referenced(nodes)
            initializers = [tensor for tensor in self.initializers if tensor.name in read]
        return helper.make_graph(nodes, name, self.inputs, final, initializer=initializers)


def _referenced(nodes: Sequence[NodeProto]) -> set[str]:
    """Every value name the nodes (and the subgraphs in their attributes) read."""
    names: set[str] = set()
    for node in nodes:
        names.update(node.input)
        for attribute in node.attribute:
            for subgraph in [attribute.g] if attribute.HasField("g") else list(attribute.graphs):
                names |= _referenced(subgraph.node)
                names.update(output.name for output in subgraph.output)
    return names


def value_info(name: str, dtype: str, shape: Sequence[int]) -> ValueInfoProto:
    dims: list[Any] = []
    for dim in shape:
        if isinstance(dim, DynamicDim):
            dims.append(dim.label)
        else:
            dims.append(int(dim))
    info = helper.make_tensor_value_info(name, element_type(dtype), dims)
    for proto_dim, dim in zip(info.type.tensor_type.shape.dim, dims):
        if dim is None:
            proto_dim.Clear()
    return info
