"""Symbolic tensors: shapes and dtypes flowing through layers before any data (functional API)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from oneiros import dtypes
from oneiros._tensor_operators import TensorOperators


class SymbolicTensor(TensorOperators):
    """A placeholder with a shape (``None`` for unknown sizes) and a dtype, made by ``Input``
    or by calling a layer on other symbolic tensors; it remembers the node that produced it.

    Python operators and ``oneiros.ops`` functions applied to it add graph nodes (as in Keras:
    ``x = layers.Dense(8)(inputs) + inputs``). ``_keras_mask`` is the symbolic mask of the
    tensor, when the layer that produced it computes one.
    """

    _keras_mask: SymbolicTensor | None = None

    def __init__(self, shape: tuple, dtype: str = "float32", node: Node | None = None, index: int = 0,
                 name: str | None = None):
        self.shape = tuple(None if dim is None else int(dim) for dim in shape)
        self.dtype = dtype if dtype == dtypes.STRING else dtypes.name_of(dtype)
        self.node = node
        self.index = index
        self.name = name

    @property
    def ndim(self) -> int:
        return len(self.shape)

    def __bool__(self) -> bool:
        # == and < build graph nodes, so a truth test (if x == y, x in [...]) would silently be True
        raise TypeError(f"A symbolic tensor has no truth value: {self!r} holds no data until the model "
                        "runs; compare shapes or use ops.cond / ops.where inside a layer.")

    def __repr__(self) -> str:
        source = f", from {self.node.layer.name!r}" if self.node else ""
        return f"<SymbolicTensor shape={self.shape} dtype={self.dtype}{source}>"


@dataclass(eq=False)
class Node:
    """One call of a layer in a graph: symbolic inputs (any nesting) to symbolic outputs."""

    layer: Any
    inputs: Any
    outputs: list[SymbolicTensor] = field(default_factory=list)
    call_kwargs: dict[str, Any] = field(default_factory=dict)

    def input_tensors(self) -> list[SymbolicTensor]:
        return [t for t in flatten(self.inputs) if isinstance(t, SymbolicTensor)]


def flatten(structure: Any) -> list[Any]:
    if isinstance(structure, (list, tuple)):
        return [leaf for item in structure for leaf in flatten(item)]
    if isinstance(structure, dict):
        return [leaf for key in sorted(structure) for leaf in flatten(structure[key])]
    return [structure]


def map_structure(fn: Any, structure: Any) -> Any:
    if isinstance(structure, (list, tuple)):
        return type(structure)(map_structure(fn, item) for item in structure)
    if isinstance(structure, dict):
        return {key: map_structure(fn, value) for key, value in structure.items()}
    return fn(structure)


def is_symbolic(structure: Any) -> bool:
    return any(isinstance(leaf, SymbolicTensor) for leaf in flatten(structure))
