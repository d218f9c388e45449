"""One inference call's batch run as row chunks on concurrent ONNX Runtime runs.

ONNX Runtime releases the GIL while it runs, so chunks run at once on Python threads. Results
equal one whole run only when every output row depends on its input row alone, which holds for
inference of per-sample layers but not, say, for a layer normalising over the batch: the first
call big enough to split checks it on its own data (:meth:`ConcurrentRuns.agrees`).
"""

from __future__ import annotations

import functools
import itertools
import math
import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
from onnx import ModelProto, helper, shape_inference

from oneiros_onnx._dims import DynamicDim
from oneiros_onnx._graph import BATCH, Symbol
from oneiros_onnx._tree import flatten

MIN_ROWS_PER_RUN = 16
"""Fewer rows than this per run and the thread hand-off costs more than the run saves."""
CACHE_BYTES = 1 << 20
"""About one core's L2 cache: chunks keep their largest value within it."""

Run = Callable[[Sequence[np.ndarray]], list[np.ndarray]]


@functools.lru_cache(maxsize=None)
def _executor(workers: int, process: int) -> ThreadPoolExecutor:
    """A pool per process: a forked child inherits the parent's pool without its threads."""
    return ThreadPoolExecutor(max_workers=workers, thread_name_prefix="oneiros-onnx")


def splits_by_rows(inputs: Sequence[Symbol], result: Any) -> bool:
    """Every input and every traced output of ``result`` has the batch axis first (and there is one)."""
    outputs = [leaf for leaf in flatten(result)[0] if isinstance(leaf, Symbol)]
    return bool(inputs) and bool(outputs) and all(_batched(symbol) for symbol in (*inputs, *outputs))


def _batched(symbol: Symbol) -> bool:
    """The first axis is the inputs' batch axis itself (not a size computed from it)."""
    return bool(symbol.shape) and isinstance(symbol.shape[0], DynamicDim) and symbol.shape[0].label == BATCH


def worth_splitting(row_bytes: int) -> bool:
    """Whether batches whose largest value has ``row_bytes`` per row run faster as chunks: when
    even a two-chunk batch of :data:`MIN_ROWS_PER_RUN`-row chunks outgrows :data:`CACHE_BYTES`.

    Measured on a shared 2-core AMD EPYC, predict at batch 128: the MNIST convnet (86 KB per
    row after its first convolution) ran 7% (quiet) to 30% (another process busy) faster as
    16-row chunks on two one-thread runs than whole on two threads, winning every paired trial;
    the MLP 784-512-512-10 (3 KB per row) gained nothing as two 64-row chunks when quiet and
    lost ~25% with another process busy, where ONNX Runtime's own threads share out each op's
    work and whole chunks cannot.
    """
    return row_bytes * 2 * MIN_ROWS_PER_RUN > CACHE_BYTES


def largest_row_bytes(model: ModelProto) -> int:
    """Bytes per batch row of the model's largest value whose first axis is the batch and whose
    other sizes are known, by ONNX shape inference."""
    graph = shape_inference.infer_shapes(model).graph
    largest = 0
    for info in (*graph.input, *graph.value_info, *graph.output):
        tensor = info.type.tensor_type
        dims = list(tensor.shape.dim)
        if not dims or dims[0].dim_param != BATCH or not all(dim.HasField("dim_value") for dim in dims[1:]):
            continue
        itemsize = helper.tensor_dtype_to_np_dtype(tensor.elem_type).itemsize
        largest = max(largest, itemsize * math.prod(dim.dim_value for dim in dims[1:]))
    return largest


class ConcurrentRuns:
    """Splits inputs (batch axis first) into row chunks, runs them on up to ``runs`` threads at
    once (the calling thread among them), and concatenates each output's chunks in order.

    Chunks hold at most ``rows_per_run`` rows and at least :data:`MIN_ROWS_PER_RUN`.
    """

    def __init__(self, runs: int, rows_per_run: int):
        if runs < 2 or rows_per_run < 1:
            raise ValueError(f"ConcurrentRuns needs runs >= 2 and rows_per_run >= 1; received {runs} and "
                             f"{rows_per_run}.")
        self.runs = runs
        self.rows_per_run = rows_per_run

    @classmethod
    def for_rows_of(cls, runs: int, row_bytes: int, min_rows: int = MIN_ROWS_PER_RUN) -> ConcurrentRuns:
        """Runs whose chunks keep ``row_bytes`` per row within :data:`CACHE_BYTES`, and hold at
        least ``min_rows`` rows."""
        return cls(runs, max(min_rows, CACHE_BYTES // max(row_bytes, 1)))

    def chunks(self, arrays: Sequence[np.ndarray]) -> int:
        """How many chunks ``arrays`` run as: one unless all share their row count and it is large enough."""
        rows = {array.shape[0] if array.ndim else -1 for array in arrays}
        if len(rows) != 1:
            return 1
        count = rows.pop()
        return max(1, min(-(-count // self.rows_per_run), count // MIN_ROWS_PER_RUN))

    def run(self, run: Run, arrays: Sequence[np.ndarray]) -> list[np.ndarray]:
        count = self.chunks(arrays)
        if count == 1:
            return run(arrays)
        rows = arrays[0].shape[0]
        bounds = [rows * index // count for index in range(count + 1)]
        return run_parts(run, [[array[start:stop] for array in arrays] for start, stop in zip(bounds[:-1], bounds[1:])],
                         self.runs)

    def agrees(self, run: Run, arrays: Sequence[np.ndarray], whole: Sequence[np.ndarray]) -> bool:
        """True when the chunked run of ``arrays`` reproduces ``whole`` (their one-run outputs)."""
        split = self.run(run, arrays)
        return all(_same(got, wanted) for got, wanted in zip(split, whole))


def run_parts(run: Run, parts: list[list[np.ndarray]], runs: int) -> list[np.ndarray]:
    """``run`` on each part (its input arrays, batch axis first) on up to ``runs`` (>= 2) threads at once,
    the calling thread among them, and each output's results concatenated in part order."""
    chunks = _Chunks(run, parts)
    pool = _executor(runs - 1, os.getpid())
    for _ in range(min(runs, len(parts)) - 1):
        pool.submit(chunks.work)
    chunks.work()
    return chunks.outputs()


class _Chunks:
    """Row chunks that free threads claim one at a time, so that a thread which another process
    keeps off its core delays nothing: the caller runs whatever no one else has claimed, and
    waits only for chunks already running elsewhere."""

    def __init__(self, run: Run, parts: list[list[np.ndarray]]):
        self._run = run
        self._parts = parts
        self._results: list[list[np.ndarray]] = [[] for _ in parts]
        self._claims = itertools.count()  # next() is atomic: each index goes to one thread
        self._left = len(parts)
        self._lock = threading.Lock()
        self._done = threading.Event()
        self._error: BaseException | None = None

    def work(self) -> None:
        while (index := next(self._claims)) < len(self._parts):
            try:
                self._results[index] = self._run(self._parts[index])
            except BaseException as exc:  # re-raised in the calling thread by outputs()
                self._error = exc
            with self._lock:
                self._left -= 1
                if not self._left:
                    self._done.set()

    def outputs(self) -> list[np.ndarray]:
        """Each output's chunks concatenated, once every chunk has run."""
        self._done.wait()
        if self._error is not None:
            raise self._error
        return [np.concatenate(pieces) for pieces in zip(*self._results)]


def _same(got: np.ndarray, wanted: np.ndarray) -> bool:
    """Equal, up to float rounding (ONNX Runtime may block a product differently for fewer rows)."""
    if got.shape != wanted.shape or got.dtype != wanted.dtype:
        return False
    if not np.issubdtype(wanted.dtype, np.inexact):
        return bool(np.array_equal(got, wanted))
    finite = np.abs(wanted[np.isfinite(wanted)])
    scale = float(finite.max()) if finite.size else 0.0
    return bool(np.allclose(got, wanted, rtol=1e-5, atol=1e-5 * scale, equal_nan=True))
