"""Fused steps on PyTensor loop the one compiled step (``_looped_steps``), and ``"auto"`` groups 8.

Oracles: Keras 3 on JAX training the same model from the same weights (one step per call), and
numpy loops for the bare fused functions.
"""

from __future__ import annotations

import os

import numpy as np
import pytest

os.environ.setdefault("KERAS_BACKEND", "jax")
import keras  # noqa: E402

import oneiros as oi  # noqa: E402
from oneiros import callbacks, layers, ops  # noqa: E402

RNG = np.random.default_rng(11)
X = RNG.normal(size=(84, 5)).astype(np.float32)
Y = RNG.integers(0, 3, size=84)
FIT = {"batch_size": 4, "epochs": 2, "verbose": 0, "shuffle": False}
"""21 batches an epoch: two groups of 8, then five single steps (the last one of its own shape)."""


@pytest.fixture(params=["perform", "c"])
def linker(request, monkeypatch, pytensor_backend):
    monkeypatch.setenv("ONEIROS_PYTENSOR_LINKER", request.param)
    return request.param


@pytest.fixture(scope="module")
def keras_run() -> tuple[list[np.ndarray], list[np.ndarray], list[float]]:
    keras.utils.set_random_seed(3)
    model = keras.Sequential([keras.Input((5,)), keras.layers.Dense(7, activation="relu"),
                              keras.layers.Dense(3, activation="softmax")])
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy")
    initial = [np.array(weight) for weight in model.get_weights()]
    history = model.fit(X, Y, **FIT)
    return initial, [np.array(weight) for weight in model.get_weights()], history.history["loss"]


def _model(initial: list[np.ndarray], steps_per_execution: int | str) -> oi.Model:
    model = oi.Sequential([layers.Input((5,)), layers.Dense(7, activation="relu"), layers.Dense(3, activation="softmax")])
    model.compile(optimizer=oi.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy",
                  steps_per_execution=steps_per_execution)
    model.set_weights(initial)
    return model


@pytest.mark.parametrize("steps_per_execution", ["auto", 8, 1])
def test_training_matches_keras_single_steps(linker, keras_run, steps_per_execution):
    initial, trained, losses = keras_run
    model = _model(initial, steps_per_execution)
    history = model.fit(X, Y, **FIT)
    assert history.params["steps_per_execution"] == (8 if steps_per_execution == "auto" else steps_per_execution)
    np.testing.assert_allclose(history.history["loss"], losses, rtol=1e-5)
    for got, want in zip(model.get_weights(), trained):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def test_fused_and_single_steps_give_the_same_bits_and_one_compiled_graph(pytensor_backend, monkeypatch, keras_run):
    monkeypatch.setenv("ONEIROS_PYTENSOR_LINKER", "c")
    initial = keras_run[0]
    single, fused = _model(initial, 1), _model(initial, 8)
    for model in (single, fused):  # 16 batches: two groups, whose steps run as the single ones
        model.fit(X[:64], Y[:64], **FIT)  # (the first two on perform, the rest compiled)
    for got, want in zip(fused.get_weights(), single.get_weights()):
        np.testing.assert_array_equal(got, want)
    looped = fused._get_trainer().train_function(8)
    compiled = [graph for graph in looped.step.graphs.values() if graph.function is not None]
    assert len(looped.step.graphs) == 1 and len(compiled) == 1
    assert looped._handoffs == {id(compiled[0]): len(compiled[0].donated)}


class _BatchEnds(callbacks.Callback):
    """The batch indices on_train_batch_end hears; ``reads_model`` as the class attribute says."""

    def __init__(self, reads_model: bool) -> None:
        super().__init__()
        self.reads_model_per_batch = reads_model
        self.indices: list[int] = []

    def on_train_batch_end(self, batch, logs=None):
        self.indices.append(batch)


@pytest.mark.parametrize(("reads_model", "expected"), [(False, [7, 15, 16, 17, 18, 19, 20]),
                                                       (True, list(range(21)))])
def test_auto_groups_eight_unless_a_callback_reads_the_model_per_batch(pytensor_backend, keras_run, reads_model,
                                                                       expected):
    ends = _BatchEnds(reads_model)
    history = _model(keras_run[0], "auto").fit(X, Y, **{**FIT, "epochs": 1}, callbacks=[ends])
    assert ends.indices == expected
    assert history.params["steps_per_execution"] == (1 if reads_model else 8)


def test_a_model_run_eagerly_keeps_one_step_per_call(pytensor_backend, keras_run):
    model = _model(keras_run[0], "auto")
    model.run_eagerly = True
    assert model.fit(X, Y, **{**FIT, "epochs": 1}).params["steps_per_execution"] == 1


def _accumulate(state, batch):
    """A step: the running sum of the batches and a count, with the batch's mean as the log."""
    total, count = state
    return (ops.add(total, batch), ops.add(count, 1.0)), {"mean": ops.mean(batch)}


def _numpy_accumulate(total, count, batches):
    for batch in batches:
        total, count = total + batch, count + 1.0
    return total, count, batches[-1].mean()


def test_a_fused_function_hands_its_state_on_and_matches_a_numpy_loop(linker, pytensor_backend):
    fused = pytensor_backend.jit(pytensor_backend.fuse_steps(_accumulate, 4), donate_argnums=(0,))
    total, count = np.zeros(3, np.float32), np.zeros((), np.float32)
    expected_total, expected_count = total.copy(), count.copy()
    for call in range(4):  # the step compiles at its third call, inside the first fused call
        batches = RNG.normal(size=(4, 3)).astype(np.float32)
        (total, count), logs = fused((total, count), batches)
        expected_total, expected_count, mean = _numpy_accumulate(expected_total, expected_count, batches)
        np.testing.assert_allclose(ops.to_numpy(total), expected_total, rtol=1e-6)
        assert float(ops.to_numpy(count)) == expected_count == 4 * (call + 1)
        np.testing.assert_allclose(float(ops.to_numpy(logs["mean"])), mean, rtol=1e-6)
    assert fused._handoffs == ({} if linker == "perform" else {id(next(iter(fused.step.graphs.values()))): 2})


def test_a_state_with_a_python_number_is_rebuilt_between_steps(pytensor_backend, monkeypatch):
    monkeypatch.setenv("ONEIROS_PYTENSOR_LINKER", "c")

    def scaled(state, batch):
        total, scale = state
        return (ops.add(total, ops.multiply(batch, scale)), scale), {}

    fused = pytensor_backend.jit(pytensor_backend.fuse_steps(scaled, 3))
    total = np.zeros(2, np.float32)
    batches = np.arange(6, dtype=np.float32).reshape(3, 2)
    for _ in range(3):
        (total, scale), _ = fused((total, 2.0), batches)
        assert scale == 2.0
    np.testing.assert_array_equal(ops.to_numpy(total), 3 * 2.0 * batches.sum(axis=0))
    assert list(fused._handoffs.values()) == [0]


def test_a_fused_function_called_inside_another_trace_is_inlined(pytensor_backend, monkeypatch):
    monkeypatch.setenv("ONEIROS_PYTENSOR_LINKER", "c")
    fused = pytensor_backend.jit(pytensor_backend.fuse_steps(_accumulate, 2))
    outer = pytensor_backend.jit(lambda state, batches: fused(state, batches)[0])
    batches = np.ones((2, 3), np.float32)
    for _ in range(3):
        total, count = outer((np.zeros(3, np.float32), np.zeros((), np.float32)), batches)
    np.testing.assert_array_equal(ops.to_numpy(total), np.full(3, 2.0, np.float32))
    assert float(ops.to_numpy(count)) == 2.0
    assert not fused.step.graphs  # never traced on its own: its loop became part of the outer graph
