"""The onnx backend: ops build ONNX graphs; ONNX Runtime runs them. Inference only."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any, ClassVar

from oneiros.backend import Backend

from oneiros_onnx import ops as onnx_ops
from oneiros_onnx._compiled import InferenceFunction, JitFunction
from oneiros_onnx._runtime import OPSET, RuntimeOptions


class OnnxBackend(Backend):
    """Tensors are numpy arrays; compiled functions are ONNX graphs run by ONNX Runtime.

    ``compile_inference`` (used by ``predict``) traces the forward pass once per input signature
    with a dynamic batch axis and the weights as initializers; ``jit`` (used by ``evaluate``)
    traces any function of arrays. Eager ops run the same lowering on one-op graphs. It declares
    no capabilities: no gradients, so ``fit`` raises CapabilityError.

    Sessions use :class:`RuntimeOptions` (execution providers, thread counts), read from the
    ``ONEIROS_ONNX_*`` environment variables and changeable with :meth:`configure`.
    """

    name: ClassVar[str] = "onnx"
    capabilities: ClassVar[frozenset[str]] = frozenset()
    ops: ModuleType = onnx_ops
    conformance_exclusions: ClassVar[Path] = Path(__file__).with_name("conformance_exclusions.txt")

    def __init__(self, options: RuntimeOptions | None = None):
        self.options = options if options is not None else RuntimeOptions.from_environment()
        self.generation = 0

    def configure(self, *, providers: Sequence[str] | None = None, intra_op_threads: int | None = None,
                  inter_op_threads: int | None = None, optimization: str | None = None,
                  spinning: bool | None = None, concurrent_runs: int | None = None) -> RuntimeOptions:
        """Changes how sessions run (e.g. ``providers=["CUDAExecutionProvider", "CPUExecutionProvider"]``,
        ``concurrent_runs=1`` to run each predict batch whole); compiled functions rebuild their
        sessions on their next call. Returns the new options."""
        self.options = self.options.with_changes(providers=providers, intra_op_threads=intra_op_threads,
                                                 inter_op_threads=inter_op_threads, optimization=optimization,
                                                 spinning=spinning, concurrent_runs=concurrent_runs)
        self.generation += 1
        return self.options

    def devices(self) -> list[str]:
        return self.options.devices()

    def jit(self, fn: Callable, donate_argnums: Sequence[int] = ()) -> Callable:
        return JitFunction(fn, self)

    def compile_inference(self, fn: Callable) -> Callable:
        return InferenceFunction(fn, self)

    def quantized_model(self, model: Any, mode: str, calibration_data: Any = None) -> Any:
        """``model`` exported with ``quantize=mode`` (see :mod:`oneiros_onnx.quantize`) and served
        by ONNX Runtime under this backend's options, as an :class:`~oneiros_onnx.model_file.OnnxModel`
        compiled like ``model``."""
        from oneiros_onnx.export import to_onnx
        from oneiros_onnx.model_file import serve

        proto = to_onnx(model, quantize=mode, calibration_data=calibration_data)
        return serve(proto, f"{model.name}.{mode}.onnx", self.options, model.compiled)

    def describe(self) -> dict[str, Any]:
        return {**super().describe(), "providers": list(self.options.providers), "opset": OPSET}
