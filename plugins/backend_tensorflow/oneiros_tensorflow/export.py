"""``model.export(dir, format="tf_saved_model")`` and ``model.export("m.tflite")``.

The model's inference forward pass (``training=False``) is traced by ``tf.function`` on the
TensorFlow backend from whatever backend holds the weights: they are copied into ``tf.Variable``s
of a ``tf.Module`` and the model runs with its variables swapped for them, so every layer written
against ``oneiros.ops`` exports with no per-layer work. The batch axis stays dynamic.

- ``tf_saved_model``: a SavedModel directory with a ``serving_default`` signature (inputs named
  after the model's inputs, outputs after its outputs), what TF Serving loads.
- ``tflite``: a TensorFlow Lite flatbuffer, what the Android and iOS interpreters run;
  ``quantize="float16"`` stores float16 weights, ``quantize="int8"`` int8 weights (with
  ``calibration_data``, a few hundred input rows, activations too).
"""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import tensorflow as tf
from oneiros import dtypes
from oneiros.backend import backend_scope, get_backend
from oneiros.errors import OneirosError
from oneiros.saving._atomic import atomic_write
from oneiros.variables import swapped_values

from oneiros_tensorflow._dtypes import resolve

QUANTIZE_MODES = (None, "int8", "float16")
_CALIBRATION_ROWS = 200


class TensorflowExportError(OneirosError):
    """A model cannot be exported as asked (unbuilt, unknown input sizes, bad arguments)."""


def _name(text: str, fallback: str) -> str:
    """A signature or variable name TensorFlow accepts."""
    cleaned = re.sub(r"[^A-Za-z0-9_]", "_", str(text or "")).strip("_")
    return cleaned if cleaned and cleaned[0].isalpha() else fallback


def _declared(model: Any) -> list[tuple[str, tuple, str]]:
    """(name, shape without the batch axis, dtype) of each input the model declares."""
    try:
        inputs = list(getattr(model, "inputs", None) or [])
    except AttributeError:  # a Sequential never built has no symbolic inputs
        inputs = []
    if inputs:
        names = list(getattr(model, "input_names", None) or [getattr(t, "name", None) for t in inputs])
        return [(name, tuple(t.shape)[1:], dtypes.name_of(t.dtype)) for name, t in zip(names, inputs)]
    layer = getattr(model, "_input_layer", None)
    if layer is not None:
        return [(layer.name, tuple(layer.shape), dtypes.name_of(layer.input_dtype))]
    raise TensorflowExportError(
        f"Model {model.name!r} declares no inputs (a subclassed model, or one built without an Input); pass "
        "input_signature=[(shape_without_batch, dtype), ...].")


def input_specs(model: Any, input_signature: Sequence[Any] | None = None) -> list[tf.TensorSpec]:
    """One ``tf.TensorSpec`` per model input, with a dynamic batch axis."""
    if input_signature is None:
        declared = _declared(model)
    else:
        try:
            declared = [(f"input_{index}", tuple(shape), dtypes.name_of(kind))
                        for index, (shape, kind) in enumerate(input_signature)]
        except (TypeError, ValueError) as exc:
            raise TensorflowExportError(f"input_signature entries are (shape_without_batch, dtype) pairs; "
                                        f"received {input_signature!r} ({exc}).") from None
    if not declared:
        raise TensorflowExportError("input_signature needs at least one (shape_without_batch, dtype) pair.")
    specs, taken = [], set()
    for index, (name, shape, kind) in enumerate(declared):
        if any(size is None for size in shape):
            raise TensorflowExportError(
                f"Input {name!r} has shape {(None, *shape)}: only the batch axis may be dynamic; pass "
                "input_signature=[(shape_without_batch, dtype), ...] with every other size.")
        unique = _name(name, f"input_{index}")
        unique = unique if unique not in taken else f"{unique}_{index}"
        taken.add(unique)
        specs.append(tf.TensorSpec((None, *shape), resolve(kind), name=unique))
    return specs


def _output_names(model: Any, count: int) -> list[str]:
    names = [_name(name, "") for name in (getattr(model, "output_names", None) or [])]
    if len(names) != count or len(set(names)) != count or "" in names:
        names = ["output_0"] if count == 1 else [f"output_{index}" for index in range(count)]
    return names


class ServingModule(tf.Module):
    """The model's weights as tf.Variables and its forward pass as a ``tf.function`` with a fixed
    input signature (``serve``)."""

    def __init__(self, model: Any, specs: list[tf.TensorSpec]):
        super().__init__(name=_name(model.name, "model"))
        if not getattr(model, "built", False) and not getattr(model, "variables", None):
            raise TensorflowExportError(f"Model {model.name!r} is not built: call it on data (or fit it) before "
                                        "exporting.")
        model._assign_variable_paths()
        variables = list(model.variables)
        self.weights = [tf.Variable(np.asarray(variable.numpy()), trainable=False,
                                    name=_name(variable.path, f"weight_{index}"))
                        for index, variable in enumerate(variables)]
        backend = get_backend("tensorflow")

        def forward(*inputs: tf.Tensor) -> dict[str, tf.Tensor]:
            with backend_scope(backend), swapped_values(variables, self.weights):
                outputs = model(inputs[0] if len(inputs) == 1 else list(inputs), training=False)
            flat = tf.nest.flatten(outputs)
            return dict(zip(_output_names(model, len(flat)), flat))

        self.serve = tf.function(forward, input_signature=specs, autograph=False)


def _replace_directory(build: Any, path: Path) -> Path:
    """Builds a directory next to ``path`` and moves it there, so that a failed export leaves
    the previous one (or nothing) in place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{path.name}.", dir=path.parent))
    try:
        build(staging)
        if path.exists():
            shutil.rmtree(path) if path.is_dir() else path.unlink()
        staging.rename(path)
    finally:
        if staging.exists():
            shutil.rmtree(staging)
    return path


def export_saved_model(model: Any, path: str | Path, *, input_signature: Sequence[Any] | None = None,
                       quantize: str | None = None, calibration_data: Any = None) -> Path:
    """Writes ``model`` as a SavedModel directory at ``path`` with a ``serving_default`` signature."""
    if quantize is not None or calibration_data is not None:
        raise TensorflowExportError(
            f"format='tf_saved_model' stores float weights; received quantize={quantize!r}. Quantize for TFLite "
            "(format='tflite') or ONNX instead.")
    module = ServingModule(model, input_specs(model, input_signature))
    signature = module.serve.get_concrete_function()
    return _replace_directory(lambda staging: tf.saved_model.save(
        module, str(staging), signatures={"serving_default": signature}), Path(path))


def _representative(calibration_data: Any, specs: list[tf.TensorSpec]) -> Any:
    arrays = calibration_data if isinstance(calibration_data, (list, tuple)) else [calibration_data]
    arrays = [np.asarray(array) for array in arrays]
    if len(arrays) != len(specs):
        raise TensorflowExportError(f"calibration_data gives {len(arrays)} arrays for a model with {len(specs)} "
                                    "inputs.")

    def rows() -> Iterator[list[np.ndarray]]:
        for index in range(min(len(arrays[0]), _CALIBRATION_ROWS)):
            yield [array[index:index + 1].astype(spec.dtype.as_numpy_dtype) for array, spec in zip(arrays, specs)]

    return rows


def to_tflite(model: Any, *, input_signature: Sequence[Any] | None = None, quantize: str | None = None,
              calibration_data: Any = None) -> bytes:
    """The TFLite flatbuffer of ``model``'s inference forward pass."""
    if quantize not in QUANTIZE_MODES:
        raise TensorflowExportError(f"quantize must be one of {QUANTIZE_MODES}; received {quantize!r}.")
    if calibration_data is not None and quantize != "int8":
        raise TensorflowExportError(f"calibration_data is used only with quantize='int8'; received "
                                    f"quantize={quantize!r}.")
    specs = input_specs(model, input_signature)
    module = ServingModule(model, specs)
    converter = tf.lite.TFLiteConverter.from_concrete_functions([module.serve.get_concrete_function()], module)
    if quantize is not None:
        converter.optimizations = [tf.lite.Optimize.DEFAULT]
    if quantize == "float16":
        converter.target_spec.supported_types = [tf.float16]
    if quantize == "int8" and calibration_data is not None:
        converter.representative_dataset = _representative(calibration_data, specs)
    return converter.convert()


def export_tflite(model: Any, path: str | Path, *, input_signature: Sequence[Any] | None = None,
                  quantize: str | None = None, calibration_data: Any = None) -> Path:
    """Writes ``model`` to ``path`` as a TFLite flatbuffer (atomically)."""
    data = to_tflite(model, input_signature=input_signature, quantize=quantize, calibration_data=calibration_data)
    return atomic_write(path, lambda stream: stream.write(data))
