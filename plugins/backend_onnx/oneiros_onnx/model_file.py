"""Running .onnx files (exported by Oneiros or any other tool) with ONNX Runtime."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import onnx
import onnxruntime as ort
from google.protobuf.message import DecodeError

from oneiros.errors import CorruptFileError
from oneiros_onnx._external_data import check_external_data
from oneiros_onnx._runtime import BUILD_ERRORS, RuntimeOptions


class OnnxModel:
    """An ONNX model in an ONNX Runtime session: call it on arrays, or ``predict`` in batches."""

    def __init__(self, session: ort.InferenceSession, path: Path):
        self.session = session
        self.path = path
        self.input_names = [value.name for value in session.get_inputs()]
        self.output_names = [value.name for value in session.get_outputs()]

    def __repr__(self) -> str:
        return f"<OnnxModel {self.path.name} inputs={self.input_names} outputs={self.output_names}>"

    def _feed(self, inputs: Any) -> dict[str, np.ndarray]:
        if isinstance(inputs, Mapping):
            missing = [name for name in self.input_names if name not in inputs]
            if missing:
                raise ValueError(f"{self.path.name} expects inputs {self.input_names}; missing {missing}.")
            return {name: np.asarray(inputs[name]) for name in self.input_names}
        values = list(inputs) if isinstance(inputs, (list, tuple)) else [inputs]
        if len(values) != len(self.input_names):
            raise ValueError(f"{self.path.name} expects {len(self.input_names)} inputs {self.input_names}; "
                             f"received {len(values)}.")
        return {name: np.asarray(value) for name, value in zip(self.input_names, values)}

    def __call__(self, inputs: Any) -> Any:
        """The outputs for one batch: an array, or a list when the model has several outputs."""
        outputs = self.session.run(None, self._feed(inputs))
        return outputs[0] if len(outputs) == 1 else outputs

    def predict(self, inputs: Any, batch_size: int = 128) -> Any:
        """The outputs for ``inputs`` of any length, computed ``batch_size`` rows at a time."""
        feed = self._feed(inputs)
        count = len(next(iter(feed.values())))
        parts = [self.session.run(None, {name: value[start:start + batch_size] for name, value in feed.items()})
                 for start in range(0, count, batch_size)]
        merged = [np.concatenate(pieces) for pieces in zip(*parts)]
        return merged[0] if len(merged) == 1 else merged


def load_onnx(path: str | Path, options: RuntimeOptions | None = None) -> OnnxModel:
    """An :class:`OnnxModel` for the .onnx file at ``path``.

    The file is checked before ONNX Runtime reads it: tensor data stored in external files must
    lie inside the model's folder (UnsafeModelError otherwise).
    """
    path = Path(path)
    try:
        proto = onnx.load(str(path), load_external_data=False)
    except (OSError, DecodeError) as exc:
        raise CorruptFileError(f"Cannot read {path} as an ONNX model: {type(exc).__name__}: {exc}") from None
    check_external_data(proto, path.parent)
    options = options if options is not None else RuntimeOptions.from_environment()
    try:
        session = ort.InferenceSession(str(path), options.session_options(), providers=list(options.providers))
    except BUILD_ERRORS as exc:
        raise CorruptFileError(f"ONNX Runtime cannot load {path}: {type(exc).__name__}: {exc}") from None
    return OnnxModel(session, path)
