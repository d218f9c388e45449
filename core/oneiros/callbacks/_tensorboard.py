"""TensorBoard: event files of the epoch logs, weight histograms and the layer graph, without TensorFlow.

Written with the ``tensorboard`` package's own record writer and protocol buffers (imported when the
callback is created), so the files are what ``tensorboard --logdir`` reads. Its ``EventFileWriter`` is
not used: it goes through ``tf.io.gfile`` and so imports TensorFlow whenever TensorFlow is installed.
"""

from __future__ import annotations

import itertools
import numbers
import os
import socket
import time
from typing import Any

import numpy as np

from oneiros.callbacks._base import Callback

UPDATE_FREQUENCIES = ("epoch", "batch")
_FILE_NUMBERS = itertools.count()


def _tensorboard_modules() -> tuple[Any, Any, Any, Any]:
    try:
        from tensorboard.compat.proto import event_pb2, graph_pb2, summary_pb2
        from tensorboard.summary.writer.record_writer import RecordWriter
    except ImportError as error:
        raise ImportError(f"oi.callbacks.TensorBoard needs the `tensorboard` package (pip install tensorboard); "
                          f"importing it failed: {error}.") from None
    return event_pb2, graph_pb2, summary_pb2, RecordWriter


def _event_file(directory: str, event_pb2: Any, record_writer: type) -> Any:
    """A new ``events.out.tfevents.*`` file in ``directory`` (TensorBoard's naming), its version
    record written."""
    os.makedirs(directory, exist_ok=True)
    name = f"events.out.tfevents.{int(time.time()):010d}.{socket.gethostname()}.{os.getpid()}.{next(_FILE_NUMBERS)}"
    writer = record_writer(open(os.path.join(directory, name), "wb"))
    writer.write(event_pb2.Event(wall_time=time.time(), file_version="brain.Event:2").SerializeToString())
    return writer


class TensorBoard(Callback):
    """Logs for TensorBoard: ``log_dir/train`` and ``log_dir/validation`` event files, as Keras 3 writes.

    Each epoch writes the scalars ``epoch_<metric>`` (and ``epoch_learning_rate`` for the training
    run), with ``val_`` metrics under ``validation``; every ``histogram_freq`` epochs a histogram
    of each weight (``layer/weight``); with ``write_graph`` the model's layers as a graph once.
    ``update_freq="batch"`` (or an int N) also writes ``batch_<metric>`` every N training batches.

    Example::

        model.fit(x, y, epochs=5, callbacks=[oi.callbacks.TensorBoard("logs", histogram_freq=1)])
        # then: tensorboard --logdir logs
    """

    def __init__(self, log_dir: str | os.PathLike = "logs", histogram_freq: int = 0, write_graph: bool = True,
                 write_images: bool = False, write_steps_per_second: bool = False, update_freq: Any = "epoch",
                 profile_batch: Any = 0, embeddings_freq: int = 0, embeddings_metadata: Any = None) -> None:
        super().__init__()
        if not isinstance(histogram_freq, int) or isinstance(histogram_freq, bool) or histogram_freq < 0:
            raise ValueError(f"TensorBoard: expected histogram_freq, an int >= 0; received {histogram_freq!r}.")
        if not (update_freq in UPDATE_FREQUENCIES or (isinstance(update_freq, int) and update_freq >= 1)):
            raise ValueError(f"TensorBoard: expected update_freq in {UPDATE_FREQUENCIES} or an int >= 1; "
                             f"received {update_freq!r}.")
        if profile_batch or embeddings_freq or write_images:
            raise ValueError("TensorBoard: profiling, embeddings and weight images need TensorFlow's summary ops; "
                             f"received profile_batch={profile_batch!r}, embeddings_freq={embeddings_freq!r}, "
                             f"write_images={write_images!r} (leave them at 0/False).")
        self._protos = _tensorboard_modules()
        self.log_dir = os.fspath(log_dir)
        self.histogram_freq = histogram_freq
        self.write_graph = bool(write_graph)
        self.write_steps_per_second = bool(write_steps_per_second)
        self.update_freq = 1 if update_freq == "batch" else update_freq
        self.embeddings_metadata = embeddings_metadata
        self._writers: dict[str, Any] = {}
        self._train_step = 0
        self._epoch_started = 0.0
        self._epoch_batches = 0

    def _writer(self, run: str) -> Any:
        if run not in self._writers:
            event_pb2, *_, record_writer = self._protos
            self._writers[run] = _event_file(os.path.join(self.log_dir, run), event_pb2, record_writer)
        return self._writers[run]

    def _write(self, run: str, step: int, **event: Any) -> None:
        event_pb2, *_ = self._protos
        self._writer(run).write(event_pb2.Event(wall_time=time.time(), step=int(step), **event).SerializeToString())

    def _scalars(self, run: str, step: int, values: dict[str, float]) -> None:
        _, _, summary_pb2, _ = self._protos
        summary = summary_pb2.Summary(value=[summary_pb2.Summary.Value(tag=tag, simple_value=float(value))
                                             for tag, value in values.items()])
        self._write(run, step, summary=summary)

    def _histograms(self, step: int) -> None:
        _, _, summary_pb2, _ = self._protos
        values = []
        for layer in self.model.layers:
            for weight in layer.weights:
                array = np.asarray(weight.value if hasattr(weight, "value") else weight, dtype="float64").ravel()
                counts, edges = np.histogram(array, bins=30)
                histogram = summary_pb2.HistogramProto(
                    min=float(array.min()), max=float(array.max()), num=float(array.size), sum=float(array.sum()),
                    sum_squares=float(np.square(array).sum()), bucket_limit=edges[1:].tolist(),
                    bucket=counts.astype("float64").tolist())
                values.append(summary_pb2.Summary.Value(tag=f"{layer.name}/{weight.name}", histo=histogram))
        self._write("train", step, summary=summary_pb2.Summary(value=values))

    def _graph(self) -> None:
        _, graph_pb2, _, _ = self._protos
        from tensorboard.compat.proto import node_def_pb2

        nodes, previous = [], []
        for layer in self.model.layers:
            nodes.append(node_def_pb2.NodeDef(name=layer.name, op=type(layer).__name__, input=previous))
            previous = [layer.name]
        self._write("train", 0, graph_def=graph_pb2.GraphDef(node=nodes).SerializeToString())

    def _learning_rate(self) -> float | None:
        optimizer = getattr(self.model, "optimizer", None)
        rate = getattr(optimizer, "learning_rate", None)
        if callable(rate):
            rate = rate(self._train_step)
        return float(rate) if isinstance(rate, numbers.Real) or hasattr(rate, "__float__") else None

    def on_train_begin(self, logs: dict | None = None) -> None:
        self._train_step = 0
        if self.write_graph:
            self._graph()

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        self._epoch_started, self._epoch_batches = time.perf_counter(), 0

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        self._train_step += 1
        self._epoch_batches += 1
        if self.update_freq != "epoch" and self._train_step % self.update_freq == 0:
            self._scalars("train", self._train_step, {f"batch_{key}": float(value) for key, value in (logs or {}).items()
                                                      if np.ndim(value) == 0})

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        logs = {key: value for key, value in (logs or {}).items() if np.ndim(value) == 0}
        train = {f"epoch_{key}": value for key, value in logs.items() if not key.startswith("val_")}
        validation = {f"epoch_{key[len('val_'):]}": value for key, value in logs.items() if key.startswith("val_")}
        rate = self._learning_rate()
        if rate is not None:
            train["epoch_learning_rate"] = rate
        if self.write_steps_per_second and self._epoch_batches:
            train["epoch_steps_per_second"] = self._epoch_batches / (time.perf_counter() - self._epoch_started)
        self._scalars("train", epoch, train)
        if validation:
            self._scalars("validation", epoch, validation)
        if self.histogram_freq and epoch % self.histogram_freq == 0:
            self._histograms(epoch)
        for writer in self._writers.values():
            writer.flush()

    def on_train_end(self, logs: dict | None = None) -> None:
        for writer in self._writers.values():
            writer.close()
        self._writers.clear()

    def get_config(self) -> dict[str, Any]:
        return {"log_dir": self.log_dir, "histogram_freq": self.histogram_freq, "write_graph": self.write_graph,
                "write_steps_per_second": self.write_steps_per_second,
                "update_freq": "batch" if self.update_freq == 1 else self.update_freq}
