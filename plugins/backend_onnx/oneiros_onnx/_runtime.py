"""ONNX Runtime sessions: options (providers, threads), model protos, and running traced graphs."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import onnxruntime as ort
from onnx import ModelProto, helper
from onnxruntime.capi import onnxruntime_pybind11_state as ort_errors

from oneiros._version import __version__
from oneiros.errors import OneirosError
from oneiros_onnx._concurrent import largest_row_bytes
from oneiros_onnx._graph import Graph, Symbol
from oneiros_onnx._tree import flatten
from oneiros_onnx.errors import LoweringError

OPSET = 18
"""The ONNX opset every lowering is written for (ONNX 1.13, 2022; ONNX Runtime >= 1.14)."""
IR_VERSION = 8
"""The oldest IR version that opset 18 allows, so the widest range of runtimes loads the files."""
PRODUCER = "oneiros"

OPTIMIZATION_LEVELS = {
    "disabled": ort.GraphOptimizationLevel.ORT_DISABLE_ALL,
    "basic": ort.GraphOptimizationLevel.ORT_ENABLE_BASIC,
    "extended": ort.GraphOptimizationLevel.ORT_ENABLE_EXTENDED,
    "all": ort.GraphOptimizationLevel.ORT_ENABLE_ALL,
}
ENVIRONMENT = {
    "providers": "ONEIROS_ONNX_PROVIDERS",
    "intra_op_threads": "ONEIROS_ONNX_INTRA_OP_THREADS",
    "inter_op_threads": "ONEIROS_ONNX_INTER_OP_THREADS",
    "optimization": "ONEIROS_ONNX_OPTIMIZATION",
    "spinning": "ONEIROS_ONNX_SPINNING",
    "concurrent_runs": "ONEIROS_ONNX_CONCURRENT_RUNS",
}
DEVICE_NAMES = {"CPUExecutionProvider": "cpu", "CUDAExecutionProvider": "cuda", "ROCMExecutionProvider": "rocm",
                "TensorrtExecutionProvider": "tensorrt", "CoreMLExecutionProvider": "coreml",
                "DmlExecutionProvider": "directml", "OpenVINOExecutionProvider": "openvino"}


@dataclass(frozen=True)
class RuntimeOptions:
    """How inference sessions run. Thread counts of 0 let ONNX Runtime choose (one per core).

    ``spinning`` lets idle worker threads busy-wait for the next run: lower latency on a machine
    of one's own, but it takes the cores from everything else (the Python loop feeding batches
    included), so it is off by default.

    ``concurrent_runs`` splits each batch of a compiled inference function (``predict``) into
    row chunks run on that many Python threads at once, the cores shared between them
    (``intra_op_threads`` 0 becomes cores // runs; see :mod:`oneiros_onnx._concurrent` for the
    chunk sizes). Each run then parallelises its ops over fewer threads, so far fewer of ONNX
    Runtime's per-op thread hand-offs stall on a core that another process holds. 0 (the
    default) picks :func:`auto_concurrent_runs`.
    """

    providers: tuple[str, ...] = ("CPUExecutionProvider",)
    intra_op_threads: int = 0
    inter_op_threads: int = 0
    optimization: str = "all"
    spinning: bool = False
    concurrent_runs: int = 0

    def __post_init__(self) -> None:
        available = ort.get_available_providers()
        if not self.providers or any(provider not in available for provider in self.providers):
            raise OneirosError(
                f"ONNX Runtime execution providers {list(self.providers)} are not all available; this "
                f"onnxruntime offers {available} (CUDA needs the onnxruntime-gpu package)."
            )
        for field in ("intra_op_threads", "inter_op_threads", "concurrent_runs"):
            value = getattr(self, field)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise OneirosError(f"{field} must be an int >= 0 (0: chosen automatically); received {value!r}.")
        if not isinstance(self.spinning, bool):
            raise OneirosError(f"spinning must be True or False; received {self.spinning!r}.")
        if self.optimization not in OPTIMIZATION_LEVELS:
            raise OneirosError(f"optimization must be one of {sorted(OPTIMIZATION_LEVELS)}; received "
                               f"{self.optimization!r}.")

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] = os.environ) -> RuntimeOptions:
        """Defaults overridden by ``ONEIROS_ONNX_PROVIDERS`` (comma-separated) and friends."""
        values: dict[str, Any] = {}
        providers = environ.get(ENVIRONMENT["providers"])
        if providers:
            values["providers"] = tuple(item.strip() for item in providers.split(",") if item.strip())
        for field in ("intra_op_threads", "inter_op_threads", "concurrent_runs"):
            text = environ.get(ENVIRONMENT[field])
            if text:
                try:
                    values[field] = int(text)
                except ValueError:
                    raise OneirosError(f"{ENVIRONMENT[field]} must be an int; received {text!r}.") from None
        optimization = environ.get(ENVIRONMENT["optimization"])
        if optimization:
            values["optimization"] = optimization
        spinning = environ.get(ENVIRONMENT["spinning"])
        if spinning:
            if spinning not in ("0", "1"):
                raise OneirosError(f"{ENVIRONMENT['spinning']} must be 0 or 1; received {spinning!r}.")
            values["spinning"] = spinning == "1"
        return cls(**values)

    def with_changes(self, **changes: Any) -> RuntimeOptions:
        if "providers" in changes and changes["providers"] is not None:
            changes["providers"] = tuple(changes["providers"])
        return replace(self, **{key: value for key, value in changes.items() if value is not None})

    def inference_runs(self) -> int:
        """How many concurrent runs one inference call's batch is split into."""
        return self.concurrent_runs or auto_concurrent_runs(self.providers)

    def for_concurrent_runs(self, runs: int) -> RuntimeOptions:
        """The options of a session serving ``runs`` runs at once: the cores shared between them."""
        if runs == 1 or self.intra_op_threads:
            return self
        return replace(self, intra_op_threads=max(1, usable_cores() // runs))

    def session_options(self) -> ort.SessionOptions:
        options = ort.SessionOptions()
        options.graph_optimization_level = OPTIMIZATION_LEVELS[self.optimization]
        options.intra_op_num_threads = self.intra_op_threads
        options.inter_op_num_threads = self.inter_op_threads
        options.log_severity_level = 3
        spinning = "1" if self.spinning else "0"
        options.add_session_config_entry("session.intra_op.allow_spinning", spinning)
        options.add_session_config_entry("session.inter_op.allow_spinning", spinning)
        return options

    def devices(self) -> list[str]:
        return [DEVICE_NAMES.get(provider, provider) for provider in self.providers]


def usable_cores() -> int:
    """The cores this process may run on (its CPU affinity where the OS reports one)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def auto_concurrent_runs(providers: Sequence[str]) -> int:
    """Two runs on a CPU of two cores or more, else one (only graphs with large rows split at
    all: see :func:`oneiros_onnx._concurrent.worth_splitting`). Accelerator providers run each
    call on the device, so they keep one run. More runs than two were not measured."""
    return 2 if tuple(providers) == ("CPUExecutionProvider",) and usable_cores() >= 2 else 1


EAGER_OPTIONS = RuntimeOptions(intra_op_threads=1, inter_op_threads=1, optimization="basic")
"""Sessions of single eager ops: small work, so one thread and a quick build."""


def model_proto(graph: Any, metadata: Mapping[str, str] | None = None, doc: str = "") -> ModelProto:
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], ir_version=IR_VERSION,
                              producer_name=PRODUCER, producer_version=__version__, doc_string=doc)
    helper.set_model_props(model, {"oneiros_version": __version__, "onnx_opset": str(OPSET), **(metadata or {})})
    return model


RUN_ERRORS = (ort_errors.Fail, ort_errors.InvalidArgument, ort_errors.RuntimeException)
BUILD_ERRORS = (*RUN_ERRORS, ort_errors.InvalidGraph, ort_errors.NotImplemented)


def make_session(model: ModelProto, options: RuntimeOptions) -> ort.InferenceSession:
    try:
        return ort.InferenceSession(model.SerializeToString(), options.session_options(),
                                    providers=list(options.providers))
    except BUILD_ERRORS as exc:
        raise LoweringError(model.graph.name, f"ONNX Runtime cannot build a session for the graph "
                            f"({type(exc).__name__}: {exc})") from None


class CompiledGraph:
    """A traced graph with its ONNX Runtime session: arrays in, the traced result's structure out.

    ``result`` may hold traced tensors (computed by the session), constants and Python values
    (returned as they are). With ``options_for_rows``, :attr:`row_bytes` is the size of one
    batch row of the graph's largest value (see :func:`largest_row_bytes`) and the session runs
    under ``options_for_rows(row_bytes)``; otherwise it is 0 and the session runs under ``options``.
    """

    def __init__(self, graph: Graph, inputs: Sequence[Symbol], result: Any, options: RuntimeOptions,
                 output_names: Sequence[str] | None = None, name: str = "oneiros",
                 options_for_rows: Callable[[int], RuntimeOptions] | None = None):
        leaves, self._rebuild = flatten(result)
        self._is_output = [isinstance(leaf, Symbol) for leaf in leaves]
        self._fixed = [None if traced else leaf for leaf, traced in zip(leaves, self._is_output)]
        symbols = [leaf for leaf in leaves if isinstance(leaf, Symbol)]
        self.session = None
        self.row_bytes = 0
        if symbols:
            # The proto is not kept: ONNX Runtime holds its own copy of the weights.
            model = model_proto(graph.proto(symbols, name, output_names))
            if options_for_rows is not None:
                self.row_bytes = largest_row_bytes(model)
                options = options_for_rows(self.row_bytes)
            self.session = make_session(model, options)
        self.input_names = [symbol.name for symbol in inputs]
        self._input_dtypes = [np.dtype(symbol.dtype) for symbol in inputs]

    def run(self, arrays: Sequence[np.ndarray]) -> Any:
        return self.assemble(self.outputs(arrays))

    def outputs(self, arrays: Sequence[np.ndarray]) -> list[np.ndarray]:
        """The session's outputs for ``arrays`` (none when the result holds no traced tensor)."""
        if self.session is None:
            return []
        feed = {name: np.asarray(array, dtype=dtype, order="C")
                for name, array, dtype in zip(self.input_names, arrays, self._input_dtypes)}
        try:
            return self.session.run(None, feed)
        except RUN_ERRORS as exc:
            raise ValueError(f"ONNX Runtime failed running the graph: {exc}") from None

    def assemble(self, outputs: Sequence[np.ndarray]) -> Any:
        """The traced result's structure holding ``outputs`` (from :meth:`outputs`) and its fixed values."""
        computed = iter(outputs)
        return self._rebuild([next(computed) if traced else fixed
                              for traced, fixed in zip(self._is_output, self._fixed)])
