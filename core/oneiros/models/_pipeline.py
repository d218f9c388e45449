"""Feeding the compiled steps: choosing how many steps to fuse, and copying batches ahead."""

from __future__ import annotations

import itertools
import queue
import threading
import time
from collections.abc import Iterable, Iterator
from typing import Any

from oneiros import ops
from oneiros.backend import FUSED_STEPS
from oneiros.data._structure import leaves
from oneiros.data.adapters import ArrayAdapter, DatasetAdapter, stack_batches

AUTO = "auto"
FUSION_CANDIDATE = 8
MIN_BATCHES_TO_MEASURE = 64
REQUIRED_GAIN = 0.9
"""Fusion is chosen only when a fused step takes under 90% of a single one."""


def _copy_state(backend: Any, state: Any) -> Any:
    """A state with fresh buffers, so that probing steps can donate theirs."""
    return backend.tree_map(lambda value: ops.convert_to_tensor(ops.to_numpy(value)), state)


def _seconds_per_step(backend: Any, run: Any, state: Any, groups: list[Any], steps_per_group: int) -> tuple[float, Any]:
    started = time.perf_counter()
    for group in groups:
        state, _ = run(state, group)
    backend.block_until_ready(state)
    return (time.perf_counter() - started) / (len(groups) * steps_per_group), state


def choose_steps_per_execution(trainer: Any, adapter: Any, per_batch_callbacks: bool) -> int:
    """Steps per compiled call for ``steps_per_execution="auto"``, by measurement.

    Single steps and fused groups of :data:`FUSION_CANDIDATE` steps are timed on a copy of the
    state (the training itself is untouched); fusion wins only by a clear margin, so a workload
    is never made slower than one step per call. Small epochs, one-shot iterators and per-batch
    callbacks keep one step per call.
    """
    backend = trainer.backend
    count = FUSION_CANDIDATE
    if (FUSED_STEPS not in backend.capabilities or per_batch_callbacks
            or not isinstance(adapter, (ArrayAdapter, DatasetAdapter))
            or (adapter.num_batches or 0) < MIN_BATCHES_TO_MEASURE):
        return 1
    batches = list(itertools.islice(adapter.batches(0), 3 * count + 1))
    sizes = {len(leaves(batch[0])[0][1]) for batch in batches}
    if len(batches) < 3 * count + 1 or len(sizes) != 1:
        return 1
    if not trainer.prepared:
        trainer.prepare(batches[0][0], batches[0][1])
    state = _copy_state(backend, trainer.initial_state())
    single, fused = trainer.train_function(1), trainer.train_function(count)
    state, _ = single(state, batches[0])
    single_time, state = _seconds_per_step(backend, single, state, batches[1:count + 1], 1)
    groups = [stack_batches(batches[start:start + count]) for start in (count + 1, 2 * count + 1)]
    state, _ = fused(state, groups[0])
    backend.block_until_ready(state)
    fused_time, _ = _seconds_per_step(backend, fused, state, groups[1:], count)
    return count if fused_time < REQUIRED_GAIN * single_time else 1


_END = object()


class _Failure:
    def __init__(self, error: BaseException):
        self.error = error


def prefetched(items: Iterable[Any], transfer: Any, depth: int) -> Iterator[Any]:
    """``items`` with ``transfer`` applied by a background thread up to ``depth`` items ahead, so
    host-to-device copies overlap the running step. Errors surface in the consumer."""
    if depth <= 0:
        yield from items
        return
    pending: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def offer(item: Any) -> bool:
        while not stop.is_set():
            try:
                pending.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for batch, count in items:
                if not offer((transfer(batch), count)):
                    return
        except BaseException as error:  # handed to the consumer, which re-raises it
            offer(_Failure(error))
            return
        offer(_END)

    worker = threading.Thread(target=produce, name="oneiros-prefetch", daemon=True)
    worker.start()
    try:
        while True:
            item = pending.get()
            if item is _END:
                return
            if isinstance(item, _Failure):
                raise item.error
            yield item
    finally:
        stop.set()
        worker.join(timeout=5)
