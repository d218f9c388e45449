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
MEASURED_ROUNDS = 2


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

    After compiling both, single steps and fused groups of :data:`FUSION_CANDIDATE` steps are timed
    in alternating rounds on a copy of the state (the training itself is untouched), and each
    keeps its best round; fusion wins only by a clear margin, so a workload is not made slower
    than one step per call by noise. Small epochs, one-shot iterators and per-batch callbacks
    keep one step per call.
    """
    backend = trainer.backend
    count = FUSION_CANDIDATE
    needed = 2 + count * (1 + 2 * MEASURED_ROUNDS)
    if (FUSED_STEPS not in backend.capabilities or per_batch_callbacks
            or not isinstance(adapter, (ArrayAdapter, DatasetAdapter))
            or (adapter.num_batches or 0) < max(MIN_BATCHES_TO_MEASURE, needed)):
        return 1
    batches = list(itertools.islice(adapter.batches(0), needed))
    if len(batches) < needed or len({len(leaves(batch[0])[0][1]) for batch in batches}) != 1:
        return 1
    if not trainer.prepared:
        trainer.prepare(batches[0][0], batches[0][1])
    state = _copy_state(backend, trainer.initial_state())
    single, fused = trainer.train_function(1), trainer.train_function(count)
    state, _ = single(state, batches[0])
    groups = [stack_batches(batches[start:start + count]) for start in range(2, needed, count)]
    state, _ = fused(state, groups[0])
    backend.block_until_ready(state)
    single_times, fused_times = [], []
    for round_index in range(MEASURED_ROUNDS):
        singles = batches[2 + count * (1 + 2 * round_index):2 + count * (2 + 2 * round_index)]
        seconds, state = _seconds_per_step(backend, single, state, singles, 1)
        single_times.append(seconds)
        seconds, state = _seconds_per_step(backend, fused, state, [groups[2 + 2 * round_index]], count)
        fused_times.append(seconds)
    return count if min(fused_times) < REQUIRED_GAIN * min(single_times) else 1


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
