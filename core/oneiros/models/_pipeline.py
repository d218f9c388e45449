"""Feeding the compiled steps: choosing how many steps to fuse, and copying batches ahead."""

from __future__ import annotations

import itertools
import os
import queue
import threading
import time
import warnings
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import numpy as np

from oneiros import ops
from oneiros.backend import FUSED_STEPS
from oneiros.backend._active import inheriting
from oneiros.data._structure import leaves, map_arrays
from oneiros.data.adapters import ArrayAdapter, DatasetAdapter, stack_batches
from oneiros.models import _choices

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
        key = _choices.choice_key(trainer.model, "evaluate", batches[0], trainer.backend, trainer.config)
        return _remembered_or_measured(key, lambda: _fastest_group(
            trainer.backend, lambda count: _passing_state(trainer.test_function(count)), trainer.evaluation_state(),
            batches))
    return _fastest_group(trainer.backend, trainer.train_function,
                          _copy_state(trainer.backend, trainer.initial_state()), batches)


def choose_prediction_steps(predictor: Any, adapter: Any) -> int | None:
    """Batches per compiled predict call for ``steps_per_execution="auto"``, measured like
    :func:`choose_steps_per_execution`, or remembered."""
    batches = _measurable_batches(predictor.backend, adapter)
    if batches is None:
        return None

    def function_for(count: int) -> Any:
        run = predictor if count == 1 else predictor.stacked
        return _passing_state(lambda state, batch: run(batch[0]))

    key = _choices.choice_key(predictor.model, "predict", batches[0], predictor.backend)
    return _remembered_or_measured(key, lambda: _fastest_group(predictor.backend, function_for, None, batches))


def _remembered_or_measured(key: str, measure: Callable[[], int]) -> int:
    """The group size remembered under ``key``; else ``measure()``, remembered. Evaluation and
    prediction measure synchronously (see :class:`FusionSearch` for training): one pass over the
    data has no later steps to repay a background compile, so a second run's gain is in not
    measuring at all."""
    remembered = _choices.remembered(key)
    if remembered is not None:
        return remembered
    chosen = measure()
    _choices.remember(key, chosen)
    return chosen


FIRST_CALL_DROP_RATIO = 3.0
"""A candidate whose first call's steps take over 3x the baseline's is dropped at once (the
MNIST convnet's fused loop on XLA:CPU: 4-15x); a first call is otherwise a warm-up, its time
inflated by one-time costs (measured up to 2-3x on a loaded 2-core machine), and not counted."""
DROP_RATIO = 1.25
"""A candidate is dropped after its first timed call whose steps take over 1.25x the baseline's."""
PAYBACK = 3.0
"""A candidate is compiled only while the training ahead is expected to take this many times
what trying it can cost: its compile, and the probe's worst case (:data:`PROBE_RISK_STEPS`).
The training ahead is what this fit plans plus as much as the trainer has already trained (a
process that trained N steps tends to train as many more), so a short fit never starts a
compile nor risks a slow probe it cannot repay, while repeated fits of a long session do."""
PROBE_GROUP = 2
"""Before the first candidate, a fused group this small is compiled and called once: where a
fused loop is pathologically slow (the MNIST convnet on XLA:CPU, 4-15x), finding out costs two
slow steps rather than a candidate's eight."""
PROBE_RISK_STEPS = PROBE_GROUP * 14
"""What a pathological probe call costs, in single steps (two steps 15x slower)."""
COMPILE_ESTIMATE = 1.5
"""A fused program's expected compile time, in first single-step calls (trace and compile)."""
ESTIMATE_STEPS = 8
BACKGROUND_PRIORITY = 19
"""The nice value of the compiling thread: on a busy CPU it takes only cycles training leaves."""


def _lower_priority() -> None:
    """Lowers this thread's CPU priority (Linux: threads have their own nice value, and the
    compiler's helper threads inherit it); elsewhere it keeps its priority."""
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), BACKGROUND_PRIORITY)
    except (AttributeError, OSError):
        return


class _BackgroundCompile:
    """``compile()`` run by a low-priority thread. Not a daemon: the interpreter waits for it at
    exit, since a process ending while XLA compiles aborts instead of exiting."""

    def __init__(self, compile: Callable[[], Callable]) -> None:
        self._compile = compile
        self._finished = threading.Event()
        self.program: Callable | None = None
        self.error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="oneiros-compile")
        self._thread.start()

    def _run(self) -> None:
        _lower_priority()
        try:
            self.program = self._compile()
        except Exception as error:  # reported by the training thread, which drops the candidate
            self.error = error
        finally:
            self._finished.set()

    @property
    def finished(self) -> bool:
        return self._finished.is_set()


def _signature(batch: Any) -> tuple[tuple[int, ...], ...]:
    return tuple(tuple(array.shape) for part in batch for _, array in leaves(part))


def _nbytes(batch: Any) -> int:
    return sum(getattr(array, "nbytes", 0) for part in batch for _, array in leaves(part))


class FusionSearch:
    """``steps_per_execution="auto"`` for training, decided while training.

    Training runs one step per call from the first batch. Once a single step's time is known,
    the next fused group size of :data:`FUSION_CANDIDATES` is lowered and then compiled by a
    low-priority background thread (only when the training planned ahead can repay the compile,
    see :data:`PAYBACK`), after a :data:`PROBE_GROUP` whose one call shows whether a fused loop
    is usable at all. When it is ready, real batches time it against the group size in use:
    it is dropped after a first (warm-up) call over :data:`FIRST_CALL_DROP_RATIO` times the
    baseline or a later one over :data:`DROP_RATIO`, and adopted only when it wins by
    :data:`REQUIRED_GAIN` (from single steps) or :data:`ESCALATION_GAIN` (from a smaller group)
    over :data:`MEASURED_ROUNDS` rounds, the best of each kept. Every step trains: the weights
    are those of single steps (up to float rounding of the fused loop, as with an explicit
    ``steps_per_execution``).

    The decision is remembered under :func:`_choices.choice_key`, and a remembered one is used
    from the first batch. The object lives as long as its trainer, so a measurement a short
    fit leaves unfinished goes on in the next.
    """

    def __init__(self, backend: Any, function_for: Callable[[int], Callable]) -> None:
        self.backend = backend
        self.function_for = function_for
        self.key: str | None = None
        self.decided: int | None = None
        self.baseline = 1
        self.wanted = 1
        """The group size the batch feeder forms next (read by the prefetching thread)."""
        self.source = "measured"
        self._reference: tuple | None = None
        self._batch_bytes = 0
        self._compiled: dict[tuple[int, tuple], Callable] = {}
        self._candidate = 0
        """The group size being compiled or measured (0: none yet)."""
        self._pending: _BackgroundCompile | None = None
        self._phase = "first call"
        self._first_call_seconds = 0.0
        self._first_call_remembered: float | None = None
        self._seconds_per_step = 0.0
        self._window: list[float] | None = None
        self._baseline_times: list[float] = []
        self._candidate_times: list[float] = []
        self._steps_left = 0.0
        self._steps_done = 0
        self._example: Any = None
        self._candidate_signature: tuple = ()
        self._retry = False
        self._warmed_up = False
        self._probed = False

    @property
    def current(self) -> int:
        return self.decided or self.baseline

    def begin(self, planned_steps: int | None) -> None:
        """A fit of about ``planned_steps`` steps (None: unknown) starts."""
        self._steps_left = float("inf") if planned_steps is None else float(planned_steps) + self._steps_done
        self._retry = self._phase == "waiting"

    def recall(self, key: str, batch: Any) -> None:
        """Takes the choice remembered under ``key`` if any; ``batch`` is a single batch."""
        if self.key is not None:
            return
        self.key = key
        self._reference = _signature(batch)
        self._batch_bytes = _nbytes(batch)
        self._example = batch
        self._first_call_remembered = _choices.remembered_first_call(key)
        remembered = _choices.remembered(key)
        if remembered is not None:
            self._decide(remembered, remember=False)
            self.source = "remembered"

    def groups(self, adapter: Any, epoch: int) -> Iterator[tuple[Any, int]]:
        """The epoch's batches, grouped as the search wants them at the time each is formed."""
        self._window = None  # a timing window never spans an epoch's end (callbacks, validation)
        if self.decided is not None:
            return adapter.stacked_batches(epoch, self.decided)
        return self._regrouped(adapter.batches(epoch))

    def _regrouped(self, batches: Iterable[Any]) -> Iterator[tuple[Any, int]]:
        pending: list[Any] = []
        for batch in batches:
            if self._reference is not None and _signature(batch) != self._reference:
                yield from ((single, 1) for single in [*pending, batch])
                pending = []
                continue
            pending.append(batch)
            wanted = self.wanted
            if len(pending) == wanted:
                yield (stack_batches(pending), wanted) if wanted > 1 else (batch, 1)
                pending = []
            elif len(pending) > wanted:
                yield from ((single, 1) for single in pending)
                pending = []
        yield from ((single, 1) for single in pending)

    def run(self, state: Any, batch: Any, count: int) -> tuple[Any, Any]:
        """One call of ``count`` steps on ``batch``, timed when the search needs it."""
        self._steps_left -= count
        self._steps_done += count
        program = self._program(count, batch)
        if self._retry:
            self._retry = False
            self._next_candidate(state)
        if self.decided is not None or self._phase in ("idle", "waiting"):
            return program(state, batch)
        if self._phase == "first call":
            started = time.perf_counter()
            state, logs = program(state, batch)
            self.backend.block_until_ready(state)
            self._first_call_seconds = time.perf_counter() - started
            self._estimate_compile_cost()
            self._phase = "estimate"
            return state, logs
        shapes = _signature(batch) if count == 1 else tuple(shape[1:] for shape in _signature(batch))
        regular = shapes == self._reference
        if self._phase == "compiling" and self._pending is not None and self._pending.finished:
            self._candidate_ready(self._pending)
        if not regular or self._phase == "compiling":
            self._window = None
            return program(state, batch)
        if count == self._candidate and self._phase == "measure":
            return self._timed_candidate(program, state, batch)
        return self._timed_baseline(program, state, batch, count)

    def _estimate_compile_cost(self) -> None:
        """The first call's seconds stand for what compiling costs (see :data:`COMPILE_ESTIMATE`).
        When its program came from the compilation cache they say nothing of that, so the first
        call of the first run, remembered, counts instead: a second run of a program that could
        not repay a compile starts none either."""
        if self._first_call_remembered is not None:
            self._first_call_seconds = max(self._first_call_seconds, self._first_call_remembered)
        elif self.key is not None:
            _choices.remember_first_call(self.key, self._first_call_seconds)

    def _program(self, count: int, batch: Any) -> Callable:
        compiled = self._compiled.get((count, _signature(batch)))
        if compiled is None:
            return self.function_for(count)

        def call(state: Any, batch: Any) -> Any:
            try:
                return compiled(state, batch)
            except TypeError:  # the state's types changed since it was compiled: compile as usual
                del self._compiled[(count, _signature(batch))]
                return self.function_for(count)(state, batch)

        return call

    def _timed_baseline(self, program: Callable, state: Any, batch: Any, count: int) -> tuple[Any, Any]:
        if self._window is None:
            self.backend.block_until_ready(state)
            self._window = [time.perf_counter(), 0.0]
        state, logs = program(state, batch)
        self._window[1] += count
        window_steps = ESTIMATE_STEPS if self._phase == "estimate" else max(self._candidate, ESTIMATE_STEPS)
        if self._window[1] >= window_steps:
            self.backend.block_until_ready(state)
            seconds = (time.perf_counter() - self._window[0]) / self._window[1]
            self._window = None
            if self._phase == "estimate":
                self._seconds_per_step = seconds
                self._phase = "idle"
                self._next_candidate(state)
            else:
                self._baseline_times.append(seconds)
                self.wanted = self._candidate
        return state, logs

    def _timed_candidate(self, program: Callable, state: Any, batch: Any) -> tuple[Any, Any]:
        self._window = None
        self.backend.block_until_ready(state)
        started = time.perf_counter()
        state, logs = program(state, batch)
        self.backend.block_until_ready(state)
        seconds = (time.perf_counter() - started) / self._candidate
        self.wanted = self.baseline
        if self._warmed_up:
            self._candidate_times.append(seconds)
            self._judge(state)
        elif seconds > FIRST_CALL_DROP_RATIO * min(self._baseline_times):
            self._decide(self.baseline)
        elif self._candidate == PROBE_GROUP and self.baseline == 1:
            self._probed = True
            self._phase = "idle"
            self._next_candidate(state)
        self._warmed_up = True
        return state, logs

    def _judge(self, state: Any) -> None:
        baseline, candidate = min(self._baseline_times), min(self._candidate_times)
        if self._candidate_times[-1] > DROP_RATIO * baseline:
            self._decide(self.baseline)
        elif min(len(self._baseline_times), len(self._candidate_times)) >= MEASURED_ROUNDS:
            gain = REQUIRED_GAIN if self.baseline == 1 else ESCALATION_GAIN
            if candidate >= gain * baseline:
                self._decide(self.baseline)
                return
            self.baseline = self.wanted = self._candidate
            self._seconds_per_step = candidate
            self._phase = "idle"
            self._next_candidate(state)

    def _next_candidate(self, state: Any) -> None:
        """Lowers the next candidate and starts compiling it, or decides on the baseline."""
        larger = [count for count in FUSION_CANDIDATES
                  if count > self.baseline and count * self._batch_bytes <= MAX_GROUP_BYTES]
        if FUSED_STEPS not in self.backend.capabilities or self._reference is None or not larger:
            self._decide(self.baseline)
            return
        risk = COMPILE_ESTIMATE * self._first_call_seconds + PROBE_RISK_STEPS * self._seconds_per_step
        if self._steps_left * self._seconds_per_step < PAYBACK * risk:
            self._phase = "waiting"  # reconsidered when the next fit begins
            return
        count = PROBE_GROUP if self.baseline == 1 and not self._probed else larger[0]
        stacked = tuple(map_arrays(lambda a: np.broadcast_to(np.asarray(a)[None], (count, *a.shape)), part)
                        for part in self._example)
        compile = self.backend.ahead_of_time(self.function_for(count), state, stacked)
        self._candidate, self._phase = count, "compiling"
        self._baseline_times, self._candidate_times = [], []
        self._warmed_up = False
        self._candidate_signature = _signature(stacked)
        self._pending = _BackgroundCompile(compile)

    def _candidate_ready(self, pending: _BackgroundCompile) -> None:
        self._pending = None
        if pending.error is not None or pending.program is None:
            warnings.warn(f"steps_per_execution='auto': compiling {self._candidate} fused steps failed "
                          f"({type(pending.error).__name__}: {pending.error}); training goes on with "
                          f"{self.baseline} step(s) per call.")
            self._decide(self.baseline)
            return
        self._compiled[(self._candidate, self._candidate_signature)] = pending.program
        self._phase = "measure"

    def _decide(self, count: int, remember: bool = True) -> None:
        self.decided = self.baseline = self.wanted = count
        self._phase = "decided"
        if remember and self.key is not None:
            _choices.remember(self.key, count)


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
