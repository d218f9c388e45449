"""The prefetching feeder (order, errors, early stop) and the measured choice of steps per execution."""

import threading

import numpy as np
import pytest

from oneiros.data.adapters import ArrayAdapter
from oneiros.models import _pipeline
from oneiros.models._pipeline import choose_steps_per_execution, prefetched


def test_items_arrive_in_order_transformed_ahead():
    items = [(index, 1) for index in range(20)]
    assert list(prefetched(items, lambda batch: batch * 10, depth=3)) == [(i * 10, 1) for i in range(20)]
    assert list(prefetched(items, lambda batch: batch * 10, depth=0)) == items


def test_a_producer_error_reaches_the_consumer():
    def items():
        yield (1, 1)
        raise RuntimeError("disk vanished")

    with pytest.raises(RuntimeError, match="disk vanished"):
        list(prefetched(items(), lambda batch: batch, depth=2))


def test_stopping_early_ends_the_worker_thread():
    consumed = prefetched(((index, 1) for index in range(10_000)), lambda batch: batch, depth=2)
    assert next(consumed) == (0, 1)
    consumed.close()
    assert not any(thread.name == "oneiros-prefetch" and thread.is_alive() for thread in threading.enumerate())


class _SimulatedClock:
    """Stands for the ``time`` module in the pipeline: its clock moves only when a simulated call
    says how long it took, so the choice does not depend on how busy the machine is."""

    def __init__(self):
        self.seconds = 0.0

    def perf_counter(self):
        return self.seconds


class _SimulatedTrainer:
    """A trainer whose compiled call running ``steps`` steps takes ``seconds_per_call(steps)`` on
    the simulated clock."""

    def __init__(self, backend, seconds_per_call, clock):
        self.backend = backend
        self.prepared = True
        self.seconds_per_call = seconds_per_call
        self.clock = clock
        self.compiled_counts: list[int] = []

    def initial_state(self):
        return [np.zeros(2, np.float32)]

    def train_function(self, steps: int):
        self.compiled_counts.append(steps)

        def run(state, batch):
            self.clock.seconds += self.seconds_per_call(steps)
            return state, {}

        return run


@pytest.fixture()
def choice(monkeypatch):
    clock = _SimulatedClock()
    monkeypatch.setattr(_pipeline, "time", clock)

    def choose(backend, seconds_per_call, batches: int = 200, per_batch_callbacks: bool = False):
        adapter = ArrayAdapter(np.zeros((batches * 4, 3), np.float32), np.zeros((batches * 4, 1), np.float32),
                               batch_size=4)
        trainer = _SimulatedTrainer(backend, seconds_per_call, clock)
        return choose_steps_per_execution(trainer, adapter, per_batch_callbacks), trainer.compiled_counts

    return choose


def test_auto_fusion_grows_while_the_call_overhead_dominates(jax_backend, choice):
    # per step: single 2.1 ms; groups of 8, 16, 32: 0.35, 0.225, 0.16 ms
    assert choice(jax_backend, lambda steps: 0.002 + steps * 0.0001) == (32, [1, 8, 16, 32])


def test_auto_fusion_measures_only_groups_that_fit_the_memory_bound(jax_backend, monkeypatch, choice):
    # a batch is 4 x 3 + 4 x 1 float32 = 64 bytes: groups of 8 and 16 fit in 1,024 bytes, 32 does not
    monkeypatch.setattr(_pipeline, "MAX_GROUP_BYTES", 1024)
    assert choice(jax_backend, lambda steps: 0.002 + steps * 0.0001) == (16, [1, 8, 16])
    monkeypatch.setattr(_pipeline, "MAX_GROUP_BYTES", 511)
    assert choice(jax_backend, lambda steps: 0.002 + steps * 0.0001) == (None, [])


def test_auto_fusion_stops_at_the_first_group_that_does_not_pay(jax_backend, choice):
    # groups of 8 pay (4.25 vs 6 ms per step); 16 gains under 5% (4.125 ms) and is not taken
    assert choice(jax_backend, lambda steps: 0.002 + steps * 0.004) == (8, [1, 8, 16])


def test_auto_fusion_keeps_one_step_when_fused_steps_are_slower(jax_backend, choice):
    # like a lax.scan on XLA:CPU: 1.5 ms for one step alone, 3 ms per step inside a group
    assert choice(jax_backend, lambda steps: 0.0015 if steps == 1 else steps * 0.003) == (1, [1, 8])


def test_auto_fusion_is_not_measured_on_short_epochs_or_with_per_batch_callbacks(jax_backend, choice):
    assert choice(jax_backend, lambda steps: 0.002, batches=40) == (None, [])
    assert choice(jax_backend, lambda steps: 0.002, per_batch_callbacks=True) == (None, [])
