"""Feeding the compiled steps: choosing how many steps to fuse, and copying batches ahead."""

from __future__ import annotations

import itertools
import queue
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from oneiros import ops
from oneiros.backend import FUSED_STEPS
from oneiros.backend._active import inheriting
from oneiros.data._structure import leaves
from oneiros.data.adapters import ArrayAdapter, DatasetAdapter, stack_batches

AUTO = "auto"
FUSION_CANDIDATES = (8, 16, 32)
"""Fused group sizes tried in order; a larger one is tried only while the last one won."""
MIN_BATCHES_TO_MEASURE = 64
REQUIRED_GAIN = 0.9
"""Fusion is chosen only when a fused step takes under 90% of a single one."""
ESCALATION_GAIN = 0.95
"""A larger group replaces a smaller fused one only when its step takes under 95% of the smaller one's."""
MEASURED_ROUNDS = 2
MAX_GROUP_BYTES = 64 << 20
"""Groups are candidates only while their stacked batches stay under 64 MiB: larger inputs spend
their time computing rather than dispatching, and a group holds all its batches at once."""


class MeasuredSteps:
    """Steps per compiled call for one kind of call (training, evaluation or prediction) of one
    model: an explicit count as given; ``"auto"`` measured once and kept, unless the measurement
    declined (None: too little data this time), so that a later, larger call measures again."""

    def __init__(self) -> None:
        self.measured: int | None = None

    def resolve(self, requested: int | str, measure: Callable[[], int | None]) -> int:
        if requested != AUTO:
            return int(requested)
        if self.measured is None:
            self.measured = measure()
        return self.measured or 1


def _copy_state(backend: Any, state: Any) -> Any:
    """A state with fresh buffers, so that probing steps can donate theirs."""
    return backend.tree_map(lambda value: ops.convert_to_tensor(ops.to_numpy(value)), state)


def _seconds_per_step(backend: Any, run: Any, state: Any, groups: list[Any], steps_per_group: int) -> tuple[float, Any]:
    started = time.perf_counter()
    for group in groups:
        state, outputs = run(state, group)
    backend.block_until_ready((state, outputs))
    return (time.perf_counter() - started) / (len(groups) * steps_per_group), state


def _passing_state(function: Any) -> Any:
    """``function(state, batch)`` shaped like a training step: the state passes through unchanged."""
    return lambda state, batch: (state, function(state, batch))


def _batches_needed(count: int) -> int:
    """A warm-up batch and group, then per round ``count`` single steps and one group."""
    return 1 + count * (1 + 2 * MEASURED_ROUNDS)


def _measurable_batches(backend: Any, adapter: Any) -> list[Any] | None:
    """Enough equal-sized batches of the first epoch to measure the candidates that fit in it
    and in :data:`MAX_GROUP_BYTES`; None where the backend cannot fuse, the data is a one-shot
    iterator or too short, or no candidate fits."""
    available = (adapter.num_batches or 0) if isinstance(adapter, (ArrayAdapter, DatasetAdapter)) else 0
    if (FUSED_STEPS not in backend.capabilities
            or available < max(MIN_BATCHES_TO_MEASURE, _batches_needed(FUSION_CANDIDATES[0]))):
        return None
    source = adapter.batches(0)
    first = next(source, None)
    if first is None:
        return None
    batch_bytes = sum(getattr(array, "nbytes", 0) for part in first for _, array in leaves(part))
    fitting = [count for count in FUSION_CANDIDATES
               if _batches_needed(count) <= available and count * batch_bytes <= MAX_GROUP_BYTES]
    if not fitting:
        return None
    batches = [first, *itertools.islice(source, _batches_needed(max(fitting)) - 1)]
    if len(batches) < _batches_needed(fitting[0]) or len({len(leaves(b[0])[0][1]) for b in batches}) != 1:
        return None
    return batches


def _fastest_group(backend: Any, function_for: Any, state: Any, batches: list[Any]) -> int:
    """Single steps and fused groups of the first of :data:`FUSION_CANDIDATES` are compiled, then
    timed in alternating rounds, each keeping its best round. Fusion wins only by a clear margin,
    so that noise never makes a workload slower than one step per call; while it wins, the next
    larger group is measured the same way against the best so far."""
    single = function_for(1)
    state, _ = single(state, batches[0])
    best_count, best_seconds, single_seconds = 1, float("inf"), float("inf")
    for count in FUSION_CANDIDATES:
        if len(batches) < _batches_needed(count):
            break
        fused = function_for(count)
        state, outputs = fused(state, stack_batches(batches[1:1 + count]))
        backend.block_until_ready((state, outputs))
        fused_seconds = float("inf")
        for round_index in range(MEASURED_ROUNDS):
            singles_start = 1 + count * (1 + 2 * round_index)
            group = stack_batches(batches[singles_start + count:singles_start + 2 * count])
            seconds, state = _seconds_per_step(backend, single, state, batches[singles_start:singles_start + count], 1)
            single_seconds = min(single_seconds, seconds)
            seconds, state = _seconds_per_step(backend, fused, state, [group], count)
            fused_seconds = min(fused_seconds, seconds)
        to_beat = REQUIRED_GAIN * single_seconds if best_count == 1 else ESCALATION_GAIN * best_seconds
        if fused_seconds >= to_beat:
            break
        best_count, best_seconds = count, fused_seconds
    return best_count


def choose_steps_per_execution(trainer: Any, adapter: Any, per_batch_callbacks: bool,
                               evaluation: bool = False) -> int | None:
    """Steps per compiled call for ``steps_per_execution="auto"``, measured on the first batches,
    for training (on a copy of the state: the training itself is untouched) or for evaluation.

    Returns None, measuring nothing, for what must run one step per call this time (small
    epochs, one-shot iterators, per-batch callbacks, a backend that cannot fuse), so that the
    caller can measure again on a later, larger run.
    """
    batches = None if per_batch_callbacks else _measurable_batches(trainer.backend, adapter)
    if batches is None:
        return None
    if not trainer.prepared:
        trainer.prepare(batches[0][0], batches[0][1])
    if evaluation:
        return _fastest_group(trainer.backend, lambda count: _passing_state(trainer.test_function(count)),
                              trainer.evaluation_state(), batches)
    return _fastest_group(trainer.backend, trainer.train_function,
                          _copy_state(trainer.backend, trainer.initial_state()), batches)


def choose_prediction_steps(predictor: Any, adapter: Any) -> int | None:
    """Batches per compiled predict call for ``steps_per_execution="auto"``, measured like
    :func:`choose_steps_per_execution`."""
    batches = _measurable_batches(predictor.backend, adapter)
    if batches is None:
        return None

    def function_for(count: int) -> Any:
        run = predictor if count == 1 else predictor.stacked
        return _passing_state(lambda state, batch: run(batch[0]))

    return _fastest_group(predictor.backend, function_for, None, batches)


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

    worker = threading.Thread(target=inheriting(produce), name="oneiros-prefetch", daemon=True)
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
