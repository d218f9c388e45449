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
from oneiros.models._fit import DEFAULT_BATCH_SIZE
from oneiros_onnx._external_data import check_external_data
from oneiros_onnx._runtime import BUILD_ERRORS, RuntimeOptions, make_session


class OnnxModel:
    """An ONNX model in an ONNX Runtime session, used like a compiled Oneiros model.

    ``predict`` and ``evaluate`` take the arguments of :meth:`oneiros.Model.predict` and
    :meth:`oneiros.Model.evaluate`; ``compile(loss=..., metrics=[...])`` names what ``evaluate``
    reports, computed by Oneiros's own losses and metrics on the model's outputs. Calling the
    model runs one batch. Made by :func:`load_onnx` for any .onnx file, and by
    ``OnnxBackend().quantized_model`` for an Oneiros model served in int8 or float16.

    Example::

        model = load_onnx("digits.int8.onnx")
        model.compile(loss="sparse_categorical_crossentropy", metrics=["accuracy"])
        probabilities = model.predict(x_test, batch_size=128)
        loss, accuracy = model.evaluate(x_test, y_test)
    """

    def __init__(self, session: ort.InferenceSession, path: Path | str):
        self.session = session
        self.path = Path(path)
        self.input_names = [value.name for value in session.get_inputs()]
        self.output_names = [value.name for value in session.get_outputs()]
        self.metadata = dict(session.get_modelmeta().custom_metadata_map)
        self._scorer: Any = None

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

    def predict(self, x: Any, batch_size: int | None = None, verbose: Any = "auto", steps: int | None = None) -> Any:
        """The outputs for ``x`` of any length, computed ``batch_size`` rows at a time (default
        32, as ``Model.predict``), the first ``steps`` batches only when given. Prints nothing."""
        size = DEFAULT_BATCH_SIZE if batch_size is None else batch_size
        if isinstance(size, bool) or not isinstance(size, int) or size < 1:
            raise ValueError(f"batch_size must be an int >= 1; received {batch_size!r}.")
        feed = self._feed(x)
        count = len(next(iter(feed.values())))
        starts = range(0, count, size)[:steps]
        parts = [self.session.run(None, {name: value[start:start + size] for name, value in feed.items()})
                 for start in starts]
        merged = [np.concatenate(pieces) for pieces in zip(*parts)]
        return merged[0] if len(merged) == 1 else merged

    def compile(self, optimizer: Any = None, loss: Any = None, metrics: Any = None, loss_weights: Any = None,
                weighted_metrics: Any = None) -> None:
        """Names the loss and metrics ``evaluate`` reports (``optimizer`` is accepted, as Keras
        programs pass one, and unused: the model only infers)."""
        from oneiros import Input, Model
        from oneiros.backend import backend_scope

        with backend_scope("numpy"):
            outputs = [Input(tuple(None if isinstance(dim, str) or dim is None else dim for dim in value.shape[1:]),
                             name=value.name) for value in self.session.get_outputs()]
            scorer = Model(outputs, outputs[0] if len(outputs) == 1 else outputs, name="onnx_outputs")
            scorer.compile(loss=loss, metrics=metrics, loss_weights=loss_weights, weighted_metrics=weighted_metrics)
        self._scorer = scorer

    def evaluate(self, x: Any = None, y: Any = None, batch_size: int | None = None, verbose: Any = "auto",
                 sample_weight: Any = None, steps: int | None = None, return_dict: bool = False) -> Any:
        """The loss and metrics named by :meth:`compile` on ``x`` and targets ``y``: a scalar, a
        list, or a dict with ``return_dict``, as ``Model.evaluate``."""
        if self._scorer is None:
            raise RuntimeError(f"{self!r} is not compiled: call compile(loss=..., metrics=[...]) before evaluate.")
        predictions = self.predict(x, batch_size=batch_size, steps=steps)
        if steps is not None:
            rows = len(predictions[0] if isinstance(predictions, list) else predictions)
            y = None if y is None else _first_rows(y, rows)
            sample_weight = None if sample_weight is None else _first_rows(sample_weight, rows)
        from oneiros.backend import backend_scope

        with backend_scope("numpy"):
            return self._scorer.evaluate(predictions, y, batch_size=batch_size, verbose=verbose,
                                         sample_weight=sample_weight, return_dict=return_dict)


def _first_rows(tree: Any, rows: int) -> Any:
    if isinstance(tree, Mapping):
        return {key: value[:rows] for key, value in tree.items()}
    if isinstance(tree, (list, tuple)):
        return [value[:rows] for value in tree]
    return tree[:rows]


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


def serve(proto: onnx.ModelProto, name: str, options: RuntimeOptions | None = None,
          compiled: Any = None) -> OnnxModel:
    """An :class:`OnnxModel` running ``proto`` (called ``name``), compiled like ``compiled`` (a
    model's compile configuration) when given."""
    session = make_session(proto, options if options is not None else RuntimeOptions.from_environment())
    served = OnnxModel(session, name)
    if compiled is not None:
        served.compile(loss=compiled.loss_spec, metrics=compiled.metric_spec, loss_weights=compiled.loss_weights,
                       weighted_metrics=compiled.weighted_metric_spec)
    return served
