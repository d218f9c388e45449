"""``model.export("m.onnx")``: a model's inference graph as an ONNX file.

The forward pass (``training=False``, so dropout and augmentation layers vanish) is traced on the
onnx backend from whatever backend holds the weights: every op written against ``oneiros.ops``
lowers, so third-party layers export with no per-layer work. The file records the opset, has a
dynamic batch axis, names its inputs and outputs after the model's, stores the weights as
initializers named by their paths, passes ``onnx.checker`` and is written atomically.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import onnx

from oneiros import dtypes
from oneiros.backend import backend_scope
from oneiros.errors import OneirosError
from oneiros.saving._atomic import atomic_write
from oneiros.variables import swapped_values
from oneiros_onnx._compiled import trace_inference
from oneiros_onnx._graph import Symbol
from oneiros_onnx._runtime import OPSET, model_proto
from oneiros_onnx._tree import flatten
from oneiros_onnx.quantize import check_mode, quantized
from oneiros_onnx.backend import OnnxBackend

InputSpec = tuple[str, tuple, str]


class ExportError(OneirosError):
    """A model cannot be exported as asked (unbuilt, unknown input sizes, bad arguments)."""


def _declared_inputs(model: Any) -> tuple[list[InputSpec], bool]:
    """(name, shape with the batch axis, dtype) per input, and whether the model takes a list.

    From the functional inputs, else the first call's record (what a model built by calling it
    saw), else a Sequential's Input.
    """
    inputs = getattr(model, "inputs", None)
    if inputs:
        # A Sequential has symbolic inputs (named after its Input layer) but no input_names.
        names = getattr(model, "input_names", None) or [tensor.name for tensor in inputs]
        specs = [(name, tuple(tensor.shape), tensor.dtype) for name, tensor in zip(names, inputs)]
        return specs, len(specs) > 1
    record = getattr(model, "_build_record", None)
    if record is not None:
        shapes, kinds = record["shapes"], record["dtypes"]
        if isinstance(shapes, tuple):
            return [("input", shapes, kinds)], False
        if isinstance(shapes, list) and all(isinstance(shape, tuple) for shape in shapes):
            return [(f"input_{index}", shape, kind) for index, (shape, kind) in enumerate(zip(shapes, kinds))], True
    input_layer = getattr(model, "_input_layer", None)
    if input_layer is not None:
        return [(input_layer.name, (None, *input_layer.shape), input_layer.input_dtype)], False
    raise ExportError(f"Model {model.name!r} declares no inputs (a subclassed model never called, or called with "
                      "nested inputs); call it once, or pass input_signature=[(shape_without_batch, dtype), ...].")


def _given_inputs(signature: Sequence[Any]) -> tuple[list[InputSpec], bool]:
    specs = []
    for index, entry in enumerate(signature):
        try:
            shape, kind = entry
            specs.append((f"input_{index}" if len(signature) > 1 else "input", (None, *tuple(shape)),
                          dtypes.name_of(kind)))
        except (TypeError, ValueError) as exc:
            raise ExportError(f"input_signature entries are (shape_without_batch, dtype) pairs; received {entry!r} "
                              f"({exc}).") from None
    if not specs:
        raise ExportError("input_signature needs at least one (shape_without_batch, dtype) pair.")
    return specs, len(specs) > 1


def _example(spec: InputSpec) -> np.ndarray:
    name, shape, kind = spec
    unknown = [axis for axis, dim in enumerate(shape) if axis and dim is None]
    if unknown:
        raise ExportError(f"Input {name!r} has shape {shape}: axes {unknown} have no size. The exported graph has a "
                          "dynamic batch axis only; pass input_signature=[(shape_without_batch, dtype), ...] with "
                          "every other size.")
    return np.zeros((1, *shape[1:]), dtypes.name_of(kind))


def _unique(names: list[str], taken: set[str]) -> list[str]:
    result = []
    for name in names:
        candidate, suffix = name, 1
        while candidate in taken:
            candidate, suffix = f"{name}_{suffix}", suffix + 1
        taken.add(candidate)
        result.append(candidate)
    return result


def _output_names(model: Any, count: int, taken: set[str]) -> list[str]:
    names = list(getattr(model, "output_names", None) or [])
    if len(names) != count:
        names = ["output"] if count == 1 else [f"output_{index}" for index in range(count)]
    return _unique(names, taken)


def to_onnx(model: Any, *, input_signature: Sequence[Any] | None = None, quantize: str | None = None,
            calibration_data: Any = None) -> onnx.ModelProto:
    """The ONNX model of ``model``'s inference forward pass (checked by ``onnx.checker``), in
    float32 or as ``quantize`` says (see :func:`oneiros_onnx.quantize.quantized`)."""
    check_mode(quantize)
    if calibration_data is not None and quantize is None:
        raise ExportError("calibration_data is used only with quantize='int8' or 'float16'; received quantize=None.")
    if not getattr(model, "built", False) and not getattr(model, "variables", None):
        raise ExportError(f"Model {model.name!r} is not built: call it on data (or fit it) before exporting.")
    specs, as_list = _given_inputs(input_signature) if input_signature is not None else _declared_inputs(model)
    examples = [_example(spec) for spec in specs]
    model._assign_variable_paths()
    variables = model.variables

    def forward(values: list[Any], inputs: Any) -> Any:
        with swapped_values(variables, values):
            return model(inputs, training=False)

    input_names = _unique([name for name, _, _ in specs], set())
    with backend_scope(OnnxBackend()):
        traced = trace_inference(forward, [[variable.value for variable in variables]], examples if as_list else
                                 examples[0], param_names=[variable.path for variable in variables],
                                 input_names=input_names)
    leaves, _ = flatten(traced.result)
    outputs = [leaf for leaf in leaves if isinstance(leaf, Symbol)]
    if len(outputs) != len(leaves) or not outputs:
        raise ExportError(f"Model {model.name!r} returns values that do not depend on its inputs "
                          f"({[type(leaf).__name__ for leaf in leaves]}); only traced outputs can be exported.")
    names = _output_names(model, len(outputs), set(input_names) | {variable.path for variable in variables})
    graph = traced.graph.proto(outputs, model.name, names)
    metadata = {
        "oneiros_model": model.name,
        "oneiros_model_class": type(model).__name__,
        "oneiros_inputs": json.dumps([[name, list(shape[1:]), kind] for name, (_, shape, kind)
                                      in zip(input_names, specs)]),
    }
    proto = model_proto(graph, metadata, doc=f"Model {model.name!r} exported by Oneiros (opset {OPSET}).")
    onnx.checker.check_model(proto, full_check=True)
    return proto if quantize is None else quantized(proto, quantize, calibration_data)


def export_onnx(model: Any, path: str | Path, *, input_signature: Sequence[Any] | None = None,
                quantize: str | None = None, calibration_data: Any = None) -> Path:
    """Writes ``model`` to ``path`` as ONNX (atomically: a crash leaves the old file or the new one).

    ``input_signature``: ``[(shape_without_batch, dtype), ...]`` for models whose inputs have
    unknown sizes besides the batch axis, or that were never called. ``quantize``: None (float32),
    ``"int8"`` (static with ``calibration_data``, a few hundred input rows; dynamic without) or
    ``"float16"``; see :mod:`oneiros_onnx.quantize`.
    """
    data = to_onnx(model, input_signature=input_signature, quantize=quantize,
                   calibration_data=calibration_data).SerializeToString()
    return atomic_write(path, lambda stream: stream.write(data))
