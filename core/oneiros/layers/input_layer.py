"""InputLayer and ``Input``: where a functional or Sequential model's data enters."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from oneiros import dtypes
from oneiros.layers._symbolic import Node, SymbolicTensor
from oneiros.layers.layer import Layer


class InputLayer(Layer):
    """The entry point of a model: holds the symbolic input of ``shape`` (without the batch axis).

    Example::

        inputs = oi.Input((28, 28, 1))           # an InputLayer's output
        model = oi.Sequential([oi.layers.Input((784,)), oi.layers.Dense(10)])

    ``dtype="string"`` takes text (numpy arrays of str, bytes or objects) for the host-side
    layers that read it (TextVectorization, StringLookup, Hashing): no backend holds strings,
    so the model runs its steps eagerly (those layers have ``supports_jit = False``).
    """

    def __init__(self, shape: Sequence[int | None] | None = None, batch_size: int | None = None,
                 dtype: Any = None, name: str | None = None, **kwargs: Any):
        if "batch_shape" in kwargs:
            batch_shape = tuple(kwargs.pop("batch_shape"))
            batch_size, shape = batch_shape[0], batch_shape[1:]
        strings = dtype == dtypes.STRING
        super().__init__(name=name, dtype="float32" if strings else dtype or "float32", **kwargs)
        if shape is None or isinstance(shape, (str, bytes)) or not isinstance(shape, Sequence):
            raise ValueError(f"Input needs a shape tuple without the batch axis; received {shape!r}.")
        if any(dim is not None and (not isinstance(dim, int) or dim < 0) for dim in shape):
            raise ValueError(f"Input shape sizes are non-negative ints or None; received {tuple(shape)}.")
        self.shape = tuple(shape)
        self.batch_size = batch_size
        self.input_dtype = dtypes.STRING if strings else dtypes.name_of(dtype or "float32")
        node = Node(layer=self, inputs=[])
        node.outputs = [SymbolicTensor((batch_size, *self.shape), self.input_dtype, node, 0, name=self.name)]
        self._inbound_nodes.append(node)
        self.built = True

    def call(self, inputs: Any) -> Any:
        return inputs

    def compute_output_shape(self, input_shape: Any) -> Any:
        return input_shape

    def get_config(self) -> dict[str, Any]:
        return {"shape": list(self.shape), "batch_size": self.batch_size, "dtype": self.input_dtype,
                "name": self.name}


def Input(shape: Sequence[int | None] | None = None, batch_size: int | None = None, dtype: Any = None,
          name: str | None = None, **kwargs: Any) -> SymbolicTensor:
    """A symbolic input tensor of ``shape`` (without the batch axis), for the functional API."""
    return InputLayer(shape=shape, batch_size=batch_size, dtype=dtype, name=name, **kwargs).output
