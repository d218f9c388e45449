"""The active backend is per thread, a model's backend is its own, and predict is safe from
several threads at once (the first compile included).

Oracle: the same model predicting in one thread; the process default read before and after.
"""

from __future__ import annotations

import sys
import threading

import numpy as np
import pytest

import oneiros as oi
from oneiros.backend import backend_scope, get_backend

THREADS, ROUNDS = 4, 8


def _model(seed=0, depth=6):
    """Deep enough that tracing it spans several thread switches."""
    hidden = [oi.layers.Dense(16, activation="relu", kernel_initializer=oi.initializers.GlorotUniform(seed + i))
              for i in range(depth)]
    model = oi.Sequential([oi.layers.Input((6,)), *hidden,
                           oi.layers.Dense(3, kernel_initializer=oi.initializers.GlorotUniform(seed + depth))])
    model.compile(optimizer="sgd", loss="mse")
    return model


def _inputs(index):
    return np.random.default_rng(index).normal(size=(40, 6)).astype("float32")


def _concurrently(function, count=THREADS):
    """Runs ``function(index)`` in ``count`` threads released together; their results, or the first error."""
    start = threading.Barrier(count)
    results, errors = [None] * count, []

    def run(index):
        start.wait()
        try:
            results[index] = function(index)
        except BaseException as error:  # noqa: BLE001 - re-raised in the main thread
            errors.append(error)

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return results


@pytest.fixture(autouse=True)
def frequent_thread_switches():
    """Threads switch every 10 µs instead of 5 ms, so races show up within a few rounds."""
    previous = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)
    yield
    sys.setswitchinterval(previous)


@pytest.fixture(scope="module")
def saved_model(tmp_path_factory):
    model = _model()
    model.fit(_inputs(99), np.zeros((40, 3), "float32"), epochs=1, verbose=0)
    path = tmp_path_factory.mktemp("threads") / "model.oneiros"
    model.save(path)
    return path


def test_backend_scope_is_per_thread_and_set_backend_is_the_default():
    default = get_backend()
    inside = threading.Event()
    leave = threading.Event()
    seen = {}

    def scoped():
        with backend_scope("numpy"):
            seen["inside"] = get_backend().name
            inside.set()
            leave.wait(10)
        seen["after"] = get_backend().name

    thread = threading.Thread(target=scoped)
    thread.start()
    inside.wait(10)
    seen["main while scoped"] = get_backend().name
    leave.set()
    thread.join()
    assert seen == {"inside": "numpy", "main while scoped": default.name, "after": default.name}

    other = []
    with backend_scope("numpy"):
        worker = threading.Thread(target=lambda: other.append(get_backend().name))
        worker.start()
        worker.join()
    assert other == [default.name]  # a thread that chose none follows the process default


@pytest.mark.parametrize("backend", ["onnx", "numpy", "jax"])
def test_concurrent_predict_on_a_loaded_model_equals_single_threaded(saved_model, backend):
    default = get_backend()
    model = oi.load_model(saved_model, backend=backend)
    expected = [model.predict(_inputs(index), verbose=0) for index in range(THREADS)]
    for _ in range(ROUNDS):
        results = _concurrently(lambda index: model.predict(_inputs(index), batch_size=8, verbose=0))
        for got, want in zip(results, expected):
            np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    assert get_backend() is default


def test_fit_still_works_after_threads_predicted_on_an_onnx_model(saved_model):
    model = oi.load_model(saved_model, backend="onnx")
    _concurrently(lambda index: model.predict(_inputs(index), verbose=0))
    trainable = _model(seed=3)
    trainable.fit(_inputs(0), np.zeros((40, 3), "float32"), epochs=1, verbose=0)  # raised CapabilityError


def test_first_compile_from_four_threads_at_once():
    for round_index in range(ROUNDS):
        model = _model(seed=round_index)  # fresh: nothing traced yet
        results = _concurrently(lambda index: model.predict(_inputs(index), batch_size=8, verbose=0))
        for index, got in enumerate(results):
            np.testing.assert_allclose(got, model.predict(_inputs(index), batch_size=8, verbose=0),
                                       rtol=1e-5, atol=1e-6)


def test_helper_threads_run_on_the_backend_of_the_thread_they_serve():
    from oneiros.models._pipeline import prefetched

    class Recording(oi.data.Dataset):
        def __init__(self):
            super().__init__(workers=2, max_queue_size=4)
            self.seen = set()

        def __len__(self):
            return 6

        def __getitem__(self, index):
            self.seen.add(get_backend().name)
            return np.zeros((2, 1), "float32")

    dataset = Recording()
    with backend_scope("numpy"):
        batches = list(prefetched(((batch, 1) for batch in dataset.iterate(0)), lambda batch: batch, depth=2))
    assert len(batches) == 6 and dataset.seen == {"numpy"}
