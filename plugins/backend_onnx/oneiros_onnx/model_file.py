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
from oneiros_onnx._concurrent import ConcurrentRuns, largest_row_bytes, run_parts
from oneiros_onnx._external_data import check_external_data
from oneiros_onnx._runtime import BUILD_ERRORS, RuntimeOptions, make_session

MIN_ROWS_PER_PART = 32
"""Rows run apart hold at least this many: each run costs fixed time besides its kernels (about
35 us for the int8 MNIST convnet's 12 nodes, by ONNX Runtime's profiler). That convnet on 2
one-thread runs (2-core AMD EPYC, machine to ourselves): parts of 16 rows 173k samples/s, 32 rows
182k, 64 rows 179k, whole batches of 128 142k."""


class OnnxModel:
    """An ONNX model in an ONNX Runtime session, used like a compiled Oneiros model.

    ``predict`` and ``evaluate`` take the arguments of :meth:`oneiros.Model.predict` and
    :meth:`oneiros.Model.evaluate`; ``compile(loss=..., metrics=[...])`` names what ``evaluate``
    reports, computed by Oneiros's own losses and metrics on the model's outputs. Calling the
    model runs one batch. Made by :func:`load_onnx` for any .onnx file, and by
    ``OnnxBackend().quantized_model`` for an Oneiros model served in int8 or float16.

    With ``concurrent`` (the runtime options' ``inference_runs()``, 2 on a CPU of 2 cores or
    more), the rows run as parts on that many threads at once, each run on its own share of the
    cores (one thread of a 2-core CPU): batches no longer wait on ONNX Runtime's hand-offs
    between threads at every node. Parts hold ``concurrent.rows_per_run`` rows (cache-sized)
    once the first batch has shown that its rows run alike apart (each output row depends on its
    input row alone: not so for dynamic int8, which scales a batch by its own range), else whole
    batches.

    Example::

        model = load_onnx("digits.int8.onnx")
        model.compile(loss="sparse_categorical_crossentropy", metrics=["accuracy"])
        probabilities = model.predict(x_test, batch_size=128)
        loss, accuracy = model.evaluate(x_test, y_test)
    """

    def __init__(self, session: ort.InferenceSession, path: Path | str, concurrent: ConcurrentRuns | None = None):
        self.session = session
        self.path = Path(path)
        self.input_names = [value.name for value in session.get_inputs()]
        self.output_names = [value.name for value in session.get_outputs()]
        self.metadata = dict(session.get_modelmeta().custom_metadata_map)
        self._scorer: Any = None
        self._concurrent = concurrent
        self._rows_apart: bool | None = None
        """Whether rows run apart give a whole batch's outputs (None until a batch has shown it)."""

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
        arrays = list(self._feed(inputs).values())
        outputs = self._outputs(arrays, len(arrays[0]) if arrays and np.ndim(arrays[0]) else 1)
        return outputs[0] if len(outputs) == 1 else outputs

    def _run(self, arrays: list[np.ndarray]) -> list[np.ndarray]:
        return self.session.run(None, dict(zip(self.input_names, arrays)))

    def _part_rows(self, arrays: list[np.ndarray], size: int) -> int:
        """The rows per part for batches of ``size``: cache-sized once rows have run alike apart."""
        if self._concurrent is None or self._concurrent.rows_per_run >= size or self._rows_apart is False:
            return size
        if self._rows_apart is None:
            batch = [array[:size] for array in arrays]
            if len(batch[0]) <= self._concurrent.rows_per_run:
                return size
            self._rows_apart = self._concurrent.agrees(self._run, batch, self._run(batch))
        return self._concurrent.rows_per_run if self._rows_apart else size

    def _outputs(self, arrays: list[np.ndarray], size: int) -> list[np.ndarray]:
        """The outputs for ``arrays`` (all their rows), run ``size`` rows or fewer at a time."""
        if not arrays or not np.ndim(arrays[0]) or not len(arrays[0]):
            return self._run(arrays)
        rows = self._part_rows(arrays, size)
        parts = [[array[start:start + rows] for array in arrays] for start in range(0, len(arrays[0]), rows)]
        if len(parts) == 1:
            return self._run(parts[0])
        if self._concurrent is None:
            return [np.concatenate(pieces) for pieces in zip(*(self._run(part) for part in parts))]
        return run_parts(self._run, parts, self._concurrent.runs)

    def predict(self, x: Any, batch_size: int | None = None, verbose: Any = "auto", steps: int | None = None) -> Any:
        """The outputs for ``x`` of any length, computed ``batch_size`` rows at a time (default
        32, as ``Model.predict``), the first ``steps`` batches only when given. Prints nothing."""
        size = DEFAULT_BATCH_SIZE if batch_size is None else batch_size
        if isinstance(size, bool) or not isinstance(size, int) or size < 1:
            raise ValueError(f"batch_size must be an int >= 1; received {batch_size!r}.")
        arrays = list(self._feed(x).values())
        if steps is not None:
            arrays = [array[:steps * size] for array in arrays]
        merged = self._outputs(arrays, size)
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
    options, concurrent = _concurrency(proto, options)
    try:
        session = ort.InferenceSession(str(path), options.session_options(), providers=list(options.providers))
    except BUILD_ERRORS as exc:
        raise CorruptFileError(f"ONNX Runtime cannot load {path}: {type(exc).__name__}: {exc}") from None
    return OnnxModel(session, path, concurrent)


def _concurrency(proto: onnx.ModelProto,
                 options: RuntimeOptions | None) -> tuple[RuntimeOptions, ConcurrentRuns | None]:
    """The session options (the cores shared between concurrent runs) and the runs of an
    :class:`OnnxModel` of ``proto`` under ``options`` (from the environment when None)."""
    options = options if options is not None else RuntimeOptions.from_environment()
    runs = options.inference_runs()
    if runs == 1:
        return options, None
    return options.for_concurrent_runs(runs), ConcurrentRuns.for_rows_of(runs, largest_row_bytes(proto),
                                                                         MIN_ROWS_PER_PART)


def serve(proto: onnx.ModelProto, name: str, options: RuntimeOptions | None = None,
          compiled: Any = None) -> OnnxModel:
    """An :class:`OnnxModel` running ``proto`` (called ``name``), compiled like ``compiled`` (a
    model's compile configuration) when given."""
    options, concurrent = _concurrency(proto, options)
    served = OnnxModel(make_session(proto, options), name, concurrent)
    if compiled is not None:
        served.compile(loss=compiled.loss_spec, metrics=compiled.metric_spec, loss_weights=compiled.loss_weights,
                       weighted_metrics=compiled.weighted_metric_spec)
    return served
