"""Donated state updated in place by the C step, and nothing handed out changes.

Oracles: copies taken at the time (``np.array(..., copy=True)``), the perform linker's training
(no in-place updates, no compilation) and numpy arithmetic.
"""

from __future__ import annotations

import numpy as np
import pytest

import oneiros as oi
from oneiros import callbacks, layers, ops

EPOCHS = 4


@pytest.fixture
def c_linker(monkeypatch, pytensor_backend):
    monkeypatch.setenv("ONEIROS_PYTENSOR_LINKER", "c")
    return pytensor_backend


def _data() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(5)
    x = rng.normal(size=(64, 6)).astype(np.float32)
    return x, (x @ rng.normal(size=(6, 2))).astype(np.float32)


def _model() -> oi.Model:
    oi.set_random_seed(4)
    model = oi.Sequential([layers.Input((6,)), layers.Dense(8, activation="tanh"), layers.Dense(2)])
    model.compile(optimizer="adam", loss="mse")
    return model


class _Snapshots(callbacks.Callback):
    """Copies of the weights at every epoch's end."""

    def __init__(self) -> None:
        super().__init__()
        self.weights: list[list[np.ndarray]] = []

    def on_epoch_end(self, epoch, logs=None):
        self.weights.append([np.array(weight, copy=True) for weight in self.model.get_weights()])


def test_early_stopping_restores_the_best_epochs_weights_after_in_place_steps(c_linker):
    x, y = _data()
    model = _model()
    snapshots = _Snapshots()
    # mode="max" on a falling loss makes the first epoch the best: the weights restored are
    # those the in-place steps overwrote three epochs ago.
    stopping = callbacks.EarlyStopping(monitor="loss", mode="max", patience=EPOCHS, restore_best_weights=True)
    history = model.fit(x, y, batch_size=8, epochs=EPOCHS, verbose=0, shuffle=False, callbacks=[snapshots, stopping])
    best = int(np.argmax(history.history["loss"]))
    assert best == 0 and len(snapshots.weights) == EPOCHS
    assert not np.array_equal(snapshots.weights[best][0], snapshots.weights[-1][0])
    for restored, expected in zip(model.get_weights(), snapshots.weights[best]):
        np.testing.assert_array_equal(restored, expected)


def test_arrays_handed_out_before_fit_stay_as_they_were(c_linker):
    x, y = _data()
    model = _model()
    model.fit(x, y, batch_size=8, epochs=1, verbose=0, shuffle=False)  # compiles; weights now step outputs
    kernel = model.layers[0].kernel
    handed_out = model.get_weights()
    numpy_value = kernel.numpy()
    user_arrays = [np.full(weight.shape, 0.1, dtype=np.float32) for weight in handed_out]
    expected = ([np.array(weight, copy=True) for weight in handed_out], np.array(numpy_value, copy=True),
                [np.array(weight, copy=True) for weight in user_arrays])
    model.fit(x, y, batch_size=8, epochs=2, verbose=0, shuffle=False)
    assert not np.array_equal(kernel.numpy(), expected[1])  # training moved the weights
    model.set_weights(user_arrays)
    model.fit(x, y, batch_size=8, epochs=1, verbose=0, shuffle=False)
    for actual, before in zip(handed_out, expected[0]):
        np.testing.assert_array_equal(actual, before)
    np.testing.assert_array_equal(numpy_value, expected[1])
    for actual, before in zip(user_arrays, expected[2]):
        np.testing.assert_array_equal(actual, before)


def test_training_on_c_with_in_place_updates_equals_perform(pytensor_backend, monkeypatch):
    x, y = _data()
    trained = {}
    for linker in ("perform", "c"):
        monkeypatch.setenv("ONEIROS_PYTENSOR_LINKER", linker)
        model = _model()
        model.fit(x, y, batch_size=8, epochs=EPOCHS, verbose=0, shuffle=False)
        trained[linker] = model.get_weights()
    for on_c, on_perform in zip(trained["c"], trained["perform"]):
        np.testing.assert_allclose(on_c, on_perform, rtol=1e-5, atol=1e-6)


def _sgd_step(state, gradient):
    """state -> (state - 0.5 * gradient, sum of the old state): a step that overwrites its state."""
    return {"w": ops.subtract(state["w"], ops.multiply(gradient, 0.5)), "u": ops.add(state["u"], 1.0)}, ops.sum(
        state["w"])


def test_a_donated_array_the_caller_holds_is_copied_not_overwritten(c_linker):
    step = c_linker.jit(_sgd_step, donate_argnums=(0,))
    gradient = np.ones((2, 3), np.float32)
    for _ in range(step.COMPILE_AT_CALL - 1):  # the signature's first calls run on perform
        step({"w": np.zeros((2, 3), np.float32), "u": np.zeros((2, 3), np.float32)}, gradient)
    held = np.arange(6, dtype=np.float32).reshape(2, 3)
    state = {"w": held, "u": held}  # one array donated twice, and still held by the caller
    expected_w, expected_u = held.astype(np.float64), held.astype(np.float64)
    for _ in range(3):
        state, total = step(state, gradient)
        np.testing.assert_allclose(total, expected_w.sum(), rtol=1e-6)
        expected_w, expected_u = expected_w - 0.5, expected_u + 1.0
        np.testing.assert_allclose(state["w"], expected_w, rtol=1e-6)
        np.testing.assert_allclose(state["u"], expected_u, rtol=1e-6)
    np.testing.assert_array_equal(held, np.arange(6, dtype=np.float32).reshape(2, 3))
    assert all(graph.function is not None for graph in step.graphs.values())


def test_a_step_overwrites_the_state_it_returned_when_donated_again(c_linker):
    step = c_linker.jit(_sgd_step, donate_argnums=(0,))
    gradient = np.ones((2, 3), np.float32)
    state = {"w": np.zeros((2, 3), np.float32), "u": np.zeros((2, 3), np.float32)}
    for _ in range(step.COMPILE_AT_CALL):
        state, _ = step(state, gradient)
    returned = state["w"]
    state, _ = step(state, gradient)
    assert state["w"] is returned  # updated where it lay: no new buffer
    np.testing.assert_allclose(returned, np.full((2, 3), -0.5 * (step.COMPILE_AT_CALL + 1)))
