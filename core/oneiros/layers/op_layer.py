"""OpLayer: one ``oneiros.ops`` call on symbolic tensors, as a node of a functional graph."""

from __future__ import annotations

from typing import Any

import numpy as np

from oneiros import ops
from oneiros.errors import OneirosError
from oneiros.layers._symbolic import SymbolicTensor, map_structure
from oneiros.layers.layer import PROBE_SIZES, Layer, unique_name

_TENSOR = "__tensor__"
_ARRAY = "__array__"
_SLICE = "__slice__"
_ELLIPSIS = "__ellipsis__"


class OpLayer(Layer):
    """Applies ``ops.<op>`` to its inputs and the constant arguments it stores.

    It is made for you when an op or a Python operator meets a symbolic tensor, which is how
    Keras code such as ``x = layers.Dense(8)(inputs) + inputs`` or ``ops.mean(x, axis=1)``
    builds a functional model. Its config names the op (only ``oneiros.ops`` functions are
    accepted when a model file is loaded) and the arguments, tensors replaced by their position.

    Example::

        inputs = oi.Input((4, 8))
        pooled = oi.ops.mean(inputs, axis=1)          # an OpLayer applying ops.mean
        model = oi.Model(inputs, pooled * 2.0)
    """

    def __init__(self, op: str, arguments: dict[str, Any], **kwargs: Any):
        if not isinstance(op, str) or not (op in ops.CONTRACT or op == "get_item"):
            raise OneirosError(f"OpLayer applies a function of oneiros.ops; received op={op!r}.")
        if not isinstance(arguments, dict) or set(arguments) != {"args", "kwargs"}:
            raise OneirosError(f"OpLayer arguments are {{'args': list, 'kwargs': dict}}; received {arguments!r}.")
        kwargs.setdefault("name", unique_name(op))
        super().__init__(**kwargs)
        self.op = op
        self.arguments = {"args": list(arguments["args"]), "kwargs": dict(arguments["kwargs"])}
        self._output_dtypes: Any = None

    def call(self, inputs: Any) -> Any:
        tensors = list(inputs) if isinstance(inputs, (list, tuple)) else [inputs]
        args = [_decoded(item, tensors) for item in self.arguments["args"]]
        kwargs = {key: _decoded(value, tensors) for key, value in self.arguments["kwargs"].items()}
        return getattr(ops, self.op)(*args, **kwargs)

    def compute_output_shape(self, input_shape: Any) -> Any:
        """Runs the op on zeros with unknown sizes set to 2 then 3 (sizes that follow are None)."""
        dtypes_in = self._input_dtypes
        runs = []
        for size in PROBE_SIZES:
            probes = [ops.zeros(tuple(size if dim is None else dim for dim in shape), dtype)
                      for shape, dtype in zip(input_shape, dtypes_in)]
            runs.append(self.call(probes))
        self._output_dtypes = map_structure(lambda value: ops.dtype(value), runs[0])

        def merged(first: Any, second: Any) -> tuple:
            return tuple(a if a == b else None for a, b in zip(ops.shape(first), ops.shape(second)))

        if isinstance(runs[0], (list, tuple)):
            return tuple(merged(a, b) for a, b in zip(*runs))
        return merged(*runs)

    def compute_output_dtype(self, input_dtype: Any) -> Any:
        return self._output_dtypes

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.pop("input_shape", None)
        config.update({"op": self.op, "arguments": self.arguments})
        return config

    def _autocast_inputs(self, inputs: Any) -> Any:
        return inputs

    def _symbolic_call(self, inputs: Any, args: tuple, kwargs: dict, training: Any, mask: Any) -> Any:
        if isinstance(inputs, SymbolicTensor):
            inputs = [inputs]
        self._input_dtypes = [tensor.dtype for tensor in inputs]
        return super()._symbolic_call(inputs, args, kwargs, training, mask)


def symbolic_op(name: str, args: tuple, kwargs: dict) -> Any:
    """The graph node for ``ops.<name>(*args, **kwargs)`` where some arguments are symbolic."""
    special = _symbolic_inspection(name, args, kwargs)
    if special is not _NOT_SPECIAL:
        return special
    tensors: list[SymbolicTensor] = []
    arguments = {"args": [_encoded(arg, tensors, name) for arg in args],
                 "kwargs": {key: _encoded(value, tensors, name) for key, value in kwargs.items()}}
    return OpLayer(name, arguments)(tensors)


_NOT_SPECIAL = object()


def _symbolic_inspection(name: str, args: tuple, kwargs: dict) -> Any:
    """Ops that describe a symbolic tensor rather than compute with it."""
    x = args[0] if args else kwargs.get("x")
    if not isinstance(x, SymbolicTensor):
        return _NOT_SPECIAL
    if name == "shape":
        return x.shape
    if name == "dtype":
        return x.dtype
    if name == "ndim":
        return len(x.shape)
    if name == "is_tensor":
        return False
    if name == "to_numpy":
        raise OneirosError(
            f"ops.to_numpy received a symbolic tensor {x!r}: it has no value until the model runs on data."
        )
    if name == "convert_to_tensor" and (len(args) < 2 or args[1] is None) and "dtype" not in kwargs:
        return x
    return _NOT_SPECIAL


def _encoded(value: Any, tensors: list[SymbolicTensor], op: str) -> Any:
    """A JSON-ready argument: tensors by position, arrays as nested lists, slices and ``...`` marked."""
    from oneiros.variables import Variable

    if isinstance(value, SymbolicTensor):
        tensors.append(value)
        return {_TENSOR: len(tensors) - 1}
    if isinstance(value, Variable):
        raise OneirosError(
            f"ops.{op} received variable {value.path!r} together with symbolic tensors: a functional "
            "graph cannot own variables outside layers; create the weight in a custom layer's build()."
        )
    if isinstance(value, (list, tuple)):
        items = [_encoded(item, tensors, op) for item in value]
        return items if isinstance(value, list) else {"__tuple__": items}
    if isinstance(value, slice):
        return {_SLICE: [_encoded(part, tensors, op) for part in (value.start, value.stop, value.step)]}
    if value is Ellipsis:
        return {_ELLIPSIS: True}
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (np.generic, np.ndarray)) or hasattr(value, "__array__"):
        array = np.asarray(value)
        return {_ARRAY: array.tolist(), "dtype": str(array.dtype)}
    raise OneirosError(
        f"ops.{op} on a symbolic tensor received an argument it cannot record in a model: "
        f"{type(value).__name__} {value!r}; expected tensors, numbers, strings, tuples, slices or arrays."
    )


def _decoded(value: Any, tensors: list[Any]) -> Any:
    if isinstance(value, list):
        return [_decoded(item, tensors) for item in value]
    if not isinstance(value, dict):
        return value
    if _TENSOR in value:
        return tensors[value[_TENSOR]]
    if "__tuple__" in value:
        return tuple(_decoded(item, tensors) for item in value["__tuple__"])
    if _SLICE in value:
        return slice(*(_decoded(part, tensors) for part in value[_SLICE]))
    if _ELLIPSIS in value:
        return Ellipsis
    if _ARRAY in value:
        return np.asarray(value[_ARRAY], dtype=value["dtype"])
    return {key: _decoded(item, tensors) for key, item in value.items()}
