"""The ONNX plugin for Oneiros: an ONNX Runtime inference backend and the "onnx" model exporter
(float32, int8 or float16; see docs/quantization.md).

``import oneiros_onnx`` imports neither onnx nor onnxruntime; the names below load on first use.
"""

from __future__ import annotations

import importlib
from typing import Any

_LAZY = {
    "OnnxBackend": "oneiros_onnx.backend",
    "RuntimeOptions": "oneiros_onnx._runtime",
    "export_onnx": "oneiros_onnx.export",
    "to_onnx": "oneiros_onnx.export",
    "load_onnx": "oneiros_onnx.model_file",
    "OnnxModel": "oneiros_onnx.model_file",
    "LoweringError": "oneiros_onnx.errors",
    "UnsafeModelError": "oneiros_onnx.errors",
    "QuantizationError": "oneiros_onnx.quantize",
    "QuantizationWarning": "oneiros_onnx.quantize",
}

__all__ = sorted(_LAZY)


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'oneiros_onnx' has no attribute {name!r}")
