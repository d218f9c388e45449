"""Entry point ``onnx``: the onnx backend and the "onnx" exporter, importing onnx and onnxruntime
only when one of them is first used."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import oneiros

ONEIROS_PLUGIN_API = 1


def _onnx_backend() -> Any:
    from oneiros_onnx.backend import OnnxBackend

    return OnnxBackend()


def export_onnx(model: Any, path: str | Path, **options: Any) -> Path:
    """Writes ``model`` as an ONNX file (see :func:`oneiros_onnx.export.export_onnx`)."""
    from oneiros_onnx.export import export_onnx as export

    return export(model, path, **options)


@oneiros.hookimpl
def register_backends(register):
    register(_onnx_backend, name="onnx")


@oneiros.hookimpl
def register_exporters(register):
    register(export_onnx, name="onnx")
