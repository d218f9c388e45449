"""Fewer bits for inference: an exported ONNX model as int8 or float16.

``quantized(proto, "int8", calibration_data)`` is what ``model.export(path, quantize="int8",
calibration_data=x)`` runs after tracing:

- int8 with calibration data: static quantization in ONNX Runtime's QDQ format, weights int8
  with one scale per output channel, activations uint8 with ranges measured (min/max) on the
  calibration rows. ONNX Runtime fuses the QDQ pairs into integer kernels (VNNI on x86), folds
  a Relu into the quantized output's range and max-pools the uint8 values.
- int8 without: dynamic quantization, per-channel int8 weights and activation ranges computed
  per batch at run time (no calibration, slower than static on convolutions).
- In both, an ungrouped convolution with fewer than :data:`MIN_INT8_CONV_DEPTH` products per
  output value (a first layer on 1 or 3 image channels) stays float32, with the activations and max-pooling
  after it: ONNX Runtime's integer convolution is several times slower than its float32 one
  there. Its activation moves after the pooling (equal for monotone activations, on a quarter of
  the values), so the int8 part starts at the pooled tensor: quantizing before the pooling would
  let ONNX Runtime pull the quantization back over the MaxPool onto the whole feature map.
- float16: weights and arithmetic in float16, inputs and outputs kept float32, for GPUs and
  WebGPU/WebGL pages. Nodes that the CPU provider of this ONNX Runtime cannot run in float16
  stay float32, so the file runs everywhere.

Both quantizers are ONNX Runtime's own (``onnxruntime.quantization`` and
``onnxruntime.transformers.float16``): nothing here re-implements them. With calibration data the
quantized model's top-1 agreement with float32 is measured on it, recorded in the file's metadata
(``oneiros_top1_agreement``) and warned about below :data:`AGREEMENT_WARNING`.

Example::

    model.export("digits.int8.onnx", quantize="int8", calibration_data=x_train[:500])
"""

from __future__ import annotations

import logging
import re
import tempfile
import warnings
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import onnx
import onnxruntime as ort
from onnx.helper import tensor_dtype_to_np_dtype

from oneiros.errors import OneirosError

MODES = ("int8", "float16")
AGREEMENT_WARNING = 0.99
"""Top-1 agreement with float32 below which the exporter warns."""
CALIBRATION_BATCH = 64
MIN_INT8_CONV_DEPTH = 64
"""Products per output value (input channels x kernel elements) from which an ungrouped Conv is
quantized. Measured with ONNX Runtime 1.32 on AVX-512 VNNI, 3x3 kernels, one thread: int8 took
6.5x float32's time on 1 input channel, 3.4x on 2, 0.9x on 4 and 0.57x on 8. Grouped and
depthwise convolutions have integer kernels of their own and are always quantized."""
MONOTONE_ACTIVATIONS = frozenset({"Relu", "Clip", "Sigmoid", "Tanh"})
"""Activations that never decrease, so they commute with max-pooling."""
MAX_FLOAT16_RETRIES = 32
_MISSING_KERNEL = re.compile(r"Could not find an implementation for \w+\(\d+\) node with name '([^']*)'")


class QuantizationError(OneirosError, ValueError):
    """A quantization request that cannot be met: unknown mode, calibration data of the wrong shape."""


class QuantizationWarning(UserWarning):
    """The quantized model disagrees with float32 on more calibration rows than expected."""


def check_mode(mode: str | None) -> str | None:
    """``mode`` when it is None or one of :data:`MODES`; a QuantizationError otherwise."""
    if mode is not None and mode not in MODES:
        raise QuantizationError(f"quantize must be None or one of {list(MODES)}; received {mode!r}.")
    return mode


def _read_calibration(path: str | Path) -> np.ndarray:
    """The calibration rows in the .npy file at ``path``, read without pickles."""
    try:
        return np.load(path, allow_pickle=False)
    except (OSError, ValueError) as exc:
        raise QuantizationError(f"Cannot read calibration data from {str(path)!r} (expected a .npy array of model "
                                f"inputs): {type(exc).__name__}: {exc}") from None


def _graph_inputs(proto: onnx.ModelProto) -> list[onnx.ValueInfoProto]:
    weights = {initializer.name for initializer in proto.graph.initializer}
    return [value for value in proto.graph.input if value.name not in weights]


def _declared(value: onnx.ValueInfoProto) -> tuple[list[int | None], np.dtype]:
    dims = [dim.dim_value if dim.HasField("dim_value") else None for dim in value.type.tensor_type.shape.dim]
    return dims, np.dtype(tensor_dtype_to_np_dtype(value.type.tensor_type.elem_type))


def calibration_feeds(proto: onnx.ModelProto, calibration_data: Any) -> dict[str, np.ndarray]:
    """``calibration_data`` (an array, a list of arrays in input order, a dict by input name, or
    the path of a .npy array) as arrays by input name, checked against the model's inputs and cast
    to their dtypes."""
    if isinstance(calibration_data, (str, Path)):
        calibration_data = _read_calibration(calibration_data)
    inputs = _graph_inputs(proto)
    names = [value.name for value in inputs]
    if isinstance(calibration_data, Mapping):
        unknown = sorted(set(calibration_data) - set(names))
        missing = [name for name in names if name not in calibration_data]
        if unknown or missing:
            raise QuantizationError(f"calibration_data is keyed by input name; the model's inputs are {names}, "
                                    f"received keys {sorted(calibration_data)}.")
        given = [calibration_data[name] for name in names]
    elif isinstance(calibration_data, (list, tuple)):
        given = list(calibration_data)
    else:
        given = [calibration_data]
    if len(given) != len(names):
        raise QuantizationError(f"The model has {len(names)} inputs {names}; calibration_data holds {len(given)} "
                                "arrays.")
    feeds, rows = {}, set()
    for value, array in zip(inputs, given):
        dims, dtype = _declared(value)
        array = np.asarray(array)
        expected = ["batch", *dims[1:]]
        if array.ndim != len(dims) or any(size is not None and size != got
                                          for size, got in zip(dims[1:], array.shape[1:])):
            raise QuantizationError(f"calibration_data for input {value.name!r} must have shape "
                                    f"{tuple(expected)}; received shape {array.shape}.")
        if not len(array):
            raise QuantizationError(f"calibration_data for input {value.name!r} has no rows; give a few hundred "
                                    "samples like the training data.")
        if array.dtype.kind not in "biuf" or (array.dtype.kind == "f") != (dtype.kind == "f"):
            raise QuantizationError(f"calibration_data for input {value.name!r} must be {dtype} numbers; received "
                                    f"dtype {array.dtype}.")
        feeds[value.name] = array.astype(dtype, copy=False)
        rows.add(len(array))
    if len(rows) > 1:
        raise QuantizationError(f"calibration_data arrays must have the same number of rows; received {sorted(rows)}.")
    return feeds


def _batches(feeds: dict[str, np.ndarray], size: int) -> Iterator[dict[str, np.ndarray]]:
    count = len(next(iter(feeds.values())))
    for start in range(0, count, size):
        yield {name: array[start:start + size] for name, array in feeds.items()}


class _Calibration:
    """The calibration rows as ONNX Runtime's ``CalibrationDataReader`` protocol: dicts, then None."""

    def __init__(self, feeds: dict[str, np.ndarray]):
        self._batches = _batches(feeds, CALIBRATION_BATCH)

    def get_next(self) -> dict[str, np.ndarray] | None:
        return next(self._batches, None)


@contextmanager
def _quiet_quantizer() -> Iterator[None]:
    """ONNX Runtime's quantizer logs advice on the root logger; the exporter reports what matters."""
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)
    try:
        yield
    finally:
        root.setLevel(level)


def _has_subgraphs(graph: onnx.GraphProto) -> bool:
    """Whether a node holds a subgraph (If, Loop, Scan), which may read any outer value by name."""
    return any(attribute.type in (onnx.AttributeProto.GRAPH, onnx.AttributeProto.GRAPHS)
               for node in graph.node for attribute in node.attribute)


def _shallow_convs(graph: onnx.GraphProto) -> list[onnx.NodeProto]:
    """The ungrouped Conv nodes with fewer than :data:`MIN_INT8_CONV_DEPTH` products per output value."""
    kernels = {tensor.name: tensor.dims for tensor in graph.initializer}
    return [node for node in graph.node if node.op_type == "Conv" and len(node.input) > 1
            and node.input[1] in kernels and int(np.prod(kernels[node.input[1]][1:])) < MIN_INT8_CONV_DEPTH
            and all(attribute.i == 1 for attribute in node.attribute if attribute.name == "group")]


def _sole_consumer(graph: onnx.GraphProto, node: onnx.NodeProto) -> onnx.NodeProto | None:
    """The one node reading ``node``'s only output, None when the output has several readers or
    is a graph output."""
    if len(node.output) != 1 or node.output[0] in {value.name for value in graph.output}:
        return None
    readers = [other for other in graph.node if node.output[0] in other.input]
    return readers[0] if len(readers) == 1 else None


def _pool_first(graph: onnx.GraphProto, activation_name: str, pool_name: str) -> None:
    """The nodes ``activation -> pool`` become ``pool -> activation``, in place, keeping the
    graph's value names at both ends and its nodes in topological order."""
    position = {node.name: index for index, node in enumerate(graph.node)}
    activation, pool = graph.node[position[activation_name]], graph.node[position[pool_name]]
    source, between, result = activation.input[0], activation.output[0], pool.output[0]
    pool.input[0], pool.output[0] = source, between
    activation.input[0], activation.output[0] = between, result
    stale = [value for value in graph.value_info if value.name == between]  # now of the pooled shape
    for value in stale:
        graph.value_info.remove(value)
    moved = onnx.NodeProto()
    moved.CopyFrom(pool)
    pool.CopyFrom(activation)
    activation.CopyFrom(moved)


def _float_start(proto: onnx.ModelProto) -> list[str]:
    """Keeps the shallow convolutions of ``proto`` (changed in place) float32 with the monotone
    activations and MaxPools that follow them, each pooling moved before the activation it
    follows; returns those nodes' names for the quantizer to exclude (unnamed nodes are named
    first). Graphs with subgraphs are left as they are."""
    graph = proto.graph
    if _has_subgraphs(graph):
        return []
    for index, node in enumerate(graph.node):
        node.name = node.name or f"{node.op_type}_{index}"
    chains = []
    for conv in _shallow_convs(graph):
        chain = [conv]
        while (node := _sole_consumer(graph, chain[-1])) is not None and (
                node.op_type in MONOTONE_ACTIVATIONS or (node.op_type == "MaxPool" and len(node.output) == 1)):
            chain.append(node)
        chains.append([(node.op_type, node.name) for node in chain])
    for chain in chains:
        for (kind, name), (next_kind, next_name) in zip(chain, chain[1:]):
            if kind in MONOTONE_ACTIVATIONS and next_kind == "MaxPool":
                _pool_first(graph, name, next_name)
    return [name for chain in chains for _, name in chain]


def _int8(proto: onnx.ModelProto, feeds: dict[str, np.ndarray] | None) -> onnx.ModelProto:
    from onnxruntime.quantization import QuantFormat, QuantType, quant_pre_process, quantize_dynamic, quantize_static

    with tempfile.TemporaryDirectory(prefix="oneiros-quantize-") as folder, _quiet_quantizer():
        source, prepared, result = (Path(folder) / name for name in ("float32.onnx", "prepared.onnx", "int8.onnx"))
        onnx.save(proto, source)
        # Folds the transposes around weights and fuses bias Adds into Conv/Gemm, so the quantizer
        # sees weights as initializers of the ops that use them.
        quant_pre_process(source, prepared, skip_symbolic_shape=True)
        model = onnx.load(prepared)
        excluded = _float_start(model)
        onnx.save(model, prepared)
        if feeds is None:
            quantize_dynamic(prepared, result, per_channel=True, weight_type=QuantType.QInt8,
                             nodes_to_exclude=excluded)
        else:
            # Softmax stays float: 8-bit probabilities would step by 1/255, and pages read its
            # output node to tell probabilities from scores.
            excluded += [node.name for node in model.graph.node if node.op_type == "Softmax"]
            quantize_static(prepared, result, _Calibration(feeds), quant_format=QuantFormat.QDQ, per_channel=True,
                            activation_type=QuantType.QUInt8, weight_type=QuantType.QInt8, nodes_to_exclude=excluded)
        quantized = onnx.load(result)
    del quantized.graph.value_info[:]
    return _short_names(quantized)


def _short_names(proto: onnx.ModelProto) -> onnx.ModelProto:
    """``proto`` with its nodes and intermediate values renamed n0, n1, ... and v0, v1, ...

    The quantizer names each of its several nodes per weight and activation after the tensor it
    quantizes ("/39/matmul_output_0_QuantizeLinear_Output"): a tenth of a small int8 file, which a
    web page downloads. Inputs, outputs and weights keep their names.
    """
    graph = proto.graph
    if _has_subgraphs(graph):
        return proto
    kept = {value.name for value in (*graph.input, *graph.output)} | {tensor.name for tensor in graph.initializer}
    renamed: dict[str, str] = {}
    for index, node in enumerate(graph.node):
        node.name = f"n{index}"
        for position, name in enumerate(node.output):
            if name and name not in kept:
                node.output[position] = renamed.setdefault(name, f"v{len(renamed)}")
        for position, name in enumerate(node.input):
            node.input[position] = renamed.get(name, name)
    return proto


def _session(proto: onnx.ModelProto) -> ort.InferenceSession:
    return ort.InferenceSession(proto.SerializeToString(), providers=["CPUExecutionProvider"])


def _float16(proto: onnx.ModelProto) -> onnx.ModelProto:
    from onnxruntime.transformers.float16 import convert_float_to_float16

    kept: list[str] = []
    for _ in range(MAX_FLOAT16_RETRIES):
        converted = convert_float_to_float16(proto, keep_io_types=True, node_block_list=kept)
        try:
            _session(converted)
            return converted
        except Exception as exc:  # ONNX Runtime raises its own NotImplemented type from a C extension
            missing = _MISSING_KERNEL.search(str(exc))
            if missing is None or missing.group(1) in kept:
                raise
            kept.append(missing.group(1))
    raise QuantizationError(f"More than {MAX_FLOAT16_RETRIES} nodes lack float16 kernels; export float32.")


def _top1(session: ort.InferenceSession, feeds: dict[str, np.ndarray]) -> np.ndarray | None:
    """The first output's argmax per row, or None when it is not (batch, classes) scores."""
    parts = [session.run(None, batch)[0] for batch in _batches(feeds, CALIBRATION_BATCH * 2)]
    scores = np.concatenate(parts)
    if scores.ndim < 2 or scores.shape[-1] < 2:
        return None
    return scores.reshape(-1, scores.shape[-1]).argmax(-1)


def top1_agreement(reference: onnx.ModelProto, candidate: onnx.ModelProto,
                   feeds: dict[str, np.ndarray]) -> float | None:
    """The fraction of rows on which ``candidate``'s top class equals ``reference``'s (None for
    models whose first output has no class axis)."""
    expected, received = _top1(_session(reference), feeds), _top1(_session(candidate), feeds)
    if expected is None or received is None:
        return None
    return float(np.mean(expected == received))


def quantized(proto: onnx.ModelProto, mode: str, calibration_data: Any = None) -> onnx.ModelProto:
    """``proto`` in ``mode`` ("int8" or "float16"): see the module doc. Warns with a
    QuantizationWarning when top-1 agreement on ``calibration_data`` is below 99%."""
    check_mode(mode)
    feeds = None if calibration_data is None else calibration_feeds(proto, calibration_data)
    result = _int8(proto, feeds) if mode == "int8" else _float16(proto)
    method = "float16" if mode == "float16" else ("static" if feeds is not None else "dynamic")
    metadata = {"oneiros_quantize": mode, "oneiros_quantize_method": method}
    if feeds is not None:
        agreement = top1_agreement(proto, result, feeds)
        if agreement is not None:
            metadata["oneiros_top1_agreement"] = f"{agreement:.6f}"
            if agreement < AGREEMENT_WARNING:
                warnings.warn(f"The {mode} model agrees with float32 on the top class of only {agreement:.2%} of the "
                              f"{len(next(iter(feeds.values())))} calibration rows (expected >= "
                              f"{AGREEMENT_WARNING:.0%}); give more representative calibration data or export "
                              "float32.", QuantizationWarning, stacklevel=3)
    onnx.helper.set_model_props(result, {**{entry.key: entry.value for entry in proto.metadata_props}, **metadata})
    return result


__all__ = ["AGREEMENT_WARNING", "MIN_INT8_CONV_DEPTH", "MODES", "QuantizationError", "QuantizationWarning",
           "calibration_feeds", "check_mode", "quantized", "top1_agreement"]
