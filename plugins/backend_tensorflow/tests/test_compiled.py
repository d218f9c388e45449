"""``TensorflowBackend.ahead_of_time``: the trace happens in the calling thread (tracing runs the
model's Python), the first run in the thread that calls the returned function; the call that
follows neither traces nor compiles again."""

from __future__ import annotations

import threading

import numpy as np
import pytest
from oneiros import ops


def loop_free(state, batch):
    """No loop and no convolution: the backend prefers XLA for it (traced twice: graph, then XLA)."""
    return state * 2.0 + ops.sum(batch), ops.mean(batch)


def with_loop(state, batch):
    """A loop of ``ops.fori_loop``: on a CPU, the backend runs it as a plain graph (traced once)."""
    return ops.fori_loop(0, 3, lambda index, value: value * 2.0 + ops.sum(batch), state), ops.mean(batch)


def recording(function):
    """``function`` and the list of threads that traced it (its Python runs only when traced)."""
    tracing_threads = []

    def traced(state, batch):
        tracing_threads.append(threading.current_thread())
        return function(state, batch)

    return traced, tracing_threads


def run_in_another_thread(compile):
    compiled = []
    worker = threading.Thread(target=lambda: compiled.append(compile()))
    worker.start()
    worker.join()
    return compiled


@pytest.mark.parametrize("function, traces_here", [(loop_free, 2), (with_loop, 1)])
def test_ahead_of_time_traces_here_and_runs_in_another_thread(tensorflow_backend, on_tensorflow, function,
                                                              traces_here):
    traced, tracing_threads = recording(function)
    jitted = tensorflow_backend.jit(traced)
    state = np.arange(3, dtype=np.float32)
    batch = np.ones((4, 2), np.float32)
    compile = tensorflow_backend.ahead_of_time(jitted, state, batch)
    assert tracing_threads == [threading.current_thread()] * traces_here
    assert run_in_another_thread(compile) == [jitted]
    new_state, mean = jitted(state, batch)
    expected = state * 2.0 + 8.0 if function is loop_free else ((state * 2.0 + 8.0) * 2.0 + 8.0) * 2.0 + 8.0
    np.testing.assert_allclose(ops.to_numpy(new_state), expected)
    assert float(ops.to_numpy(mean)) == 1.0
    assert len(tracing_threads) == traces_here


def test_ahead_of_time_passes_other_functions_through(tensorflow_backend):
    assert tensorflow_backend.ahead_of_time(loop_free, 1.0, 2.0)() is loop_free


def test_ahead_of_time_after_a_call_keeps_the_chosen_program(tensorflow_backend, on_tensorflow):
    """A function already called (XLA chosen, after a graph trace) is traced for the new shapes only."""
    traced, tracing_threads = recording(loop_free)
    jitted = tensorflow_backend.jit(traced)
    state = np.arange(3, dtype=np.float32)
    jitted(state, np.ones((4, 2), np.float32))
    assert len(tracing_threads) == 2
    larger = np.ones((6, 2), np.float32)
    run_in_another_thread(tensorflow_backend.ahead_of_time(jitted, state, larger))
    new_state, _ = jitted(state, larger)
    np.testing.assert_allclose(ops.to_numpy(new_state), state * 2.0 + 12.0)
    assert tracing_threads == [threading.current_thread()] * 3
