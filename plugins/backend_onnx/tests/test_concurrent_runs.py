"""Predict batches split into row chunks run at once (RuntimeOptions.concurrent_runs)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import oneiros as oi
from oneiros import layers, ops
from oneiros.errors import OneirosError
from oneiros.models._inference import Predictor
from oneiros_onnx import OnnxBackend, RuntimeOptions
from oneiros_onnx import _concurrent, _runtime
from oneiros_onnx._concurrent import CACHE_BYTES, MIN_ROWS_PER_RUN, ConcurrentRuns, worth_splitting

ROWS = 67  # three runs of 22-23 rows: uneven chunks


@pytest.fixture(scope="module")
def split_backend() -> OnnxBackend:
    return OnnxBackend(RuntimeOptions(concurrent_runs=3))


@pytest.fixture
def tiny_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every graph's rows outgrow the cache: any splittable graph splits, in 16-row chunks."""
    monkeypatch.setattr(_concurrent, "CACHE_BYTES", 64)


def _only_session(function: Any) -> Any:
    sessions = list(function._sessions.values())
    assert len(sessions) == 1
    return sessions[0]


def _lstm() -> Any:
    return oi.Sequential([layers.Input((12,), dtype="int32"), layers.Embedding(50, 8, mask_zero=True),
                          layers.LSTM(16), layers.Dense(3, activation="softmax")])


def _convnet() -> Any:
    from oneiros_vision.models import mnist_convnet

    return mnist_convnet()


def _two_inputs_two_outputs() -> Any:
    image = oi.Input((8, 8, 1))
    extra = oi.Input((4,))
    features = layers.Flatten()(layers.MaxPooling2D(2)(layers.Conv2D(4, 3, activation="relu")(image)))
    merged = layers.Concatenate()([features, layers.Dense(6, activation="tanh")(extra)])
    normalized = layers.BatchNormalization()(merged)
    return oi.Model([image, extra], [layers.Dense(3, activation="softmax")(normalized), layers.Dense(1)(normalized)])


def _inputs(name: str, rng: np.random.Generator) -> Any:
    if name == "lstm":
        ids = rng.integers(1, 50, (ROWS, 12)).astype("int32")
        ids[: ROWS // 2, -4:] = 0  # the first chunk's rows are all padded, the others not
        return ids
    if name == "convnet":
        return rng.random((ROWS, 28, 28, 1), dtype=np.float32)
    return [rng.random((ROWS, 8, 8, 1), dtype=np.float32), rng.random((ROWS, 4), dtype=np.float32)]


@pytest.mark.parametrize("name, build", [("lstm", _lstm), ("convnet", _convnet),
                                         ("batchnorm-two-inputs-two-outputs", _two_inputs_two_outputs)])
def test_split_batches_predict_like_jax(split_backend: OnnxBackend, name: str, build: Any, randomized: Any,
                                       close: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    if name != "convnet":  # the convnet's 86 KB rows split by themselves; the others' are small
        monkeypatch.setattr(_concurrent, "CACHE_BYTES", 64)
    with oi.backend_scope("jax"):
        model = build()
    if name.startswith("batchnorm"):
        randomized(model)  # moving statistics other than 0 and 1
    x = _inputs(name, np.random.default_rng(1))
    with oi.backend_scope("jax"):
        expected = model.predict(x, batch_size=ROWS, verbose=0)
    with oi.backend_scope(split_backend):
        first = model.predict(x, batch_size=ROWS, verbose=0)
        again = model.predict(x, batch_size=ROWS, verbose=0)
        session = _only_session(Predictor.for_model(model).function)
    assert session.concurrent is not None and session.concurrent.chunks([np.zeros((ROWS, 1))]) >= 3
    assert session.checked, "the first split call compares chunks with the whole batch"
    close(first, expected, label=f"{name} checked call")
    close(again, expected, label=f"{name} split call")


def test_large_rows_split_on_sessions_sharing_the_cores() -> None:
    backend = OnnxBackend(RuntimeOptions(concurrent_runs=2))
    function = backend.compile_inference(lambda w, x: ops.tanh(ops.matmul(x, w)))
    with oi.backend_scope(backend):
        function(np.ones((3, 9000), dtype=np.float32), np.ones((40, 3), np.float32))
    session = _only_session(function)
    options = session.compiled.session.get_session_options()
    assert options.intra_op_num_threads == max(1, _runtime.usable_cores() // 2)
    assert session.compiled.row_bytes == 9000 * 4  # a (batch, 9000) float32 value is the largest
    assert session.concurrent.rows_per_run == 29  # 2**20 // 36000


def test_small_rows_run_whole_on_all_the_cores() -> None:
    backend = OnnxBackend(RuntimeOptions(concurrent_runs=2))
    function = backend.compile_inference(lambda w, x: ops.tanh(ops.matmul(x, w)))
    with oi.backend_scope(backend):
        got = function(np.full((3, 512), 0.1, dtype=np.float32), np.ones((128, 3), np.float32))
    np.testing.assert_allclose(got, np.full((128, 512), np.tanh(0.3)), rtol=1e-6)
    session = _only_session(function)
    assert session.concurrent is None and session.compiled.row_bytes == 512 * 4
    assert session.compiled.session.get_session_options().intra_op_num_threads == 0


def test_rows_that_interact_fall_back_to_whole_batches(split_backend: OnnxBackend, tiny_cache: None) -> None:
    def centred(w: Any, x: Any) -> Any:  # each row minus the batch's mean row: rows interact
        return ops.subtract(ops.matmul(x, w), ops.mean(ops.matmul(x, w), axis=0, keepdims=True))

    function = split_backend.compile_inference(centred)
    w = np.array([[1.0, 2.0], [0.5, -1.0]], np.float32)
    rng = np.random.default_rng(2)
    for rows in (ROWS, 40):
        x = rng.normal(size=(rows, 2)).astype(np.float32)
        product = x.astype(np.float64) @ w
        with oi.backend_scope(split_backend):
            got = function(w, x)
        np.testing.assert_allclose(got, product - product.mean(axis=0), rtol=1e-5, atol=1e-5)
    assert function.sessions_built == 2
    assert _only_session(function).concurrent is None, "the rebuilt session runs each batch whole"


def test_outputs_without_the_batch_axis_never_split(split_backend: OnnxBackend, tiny_cache: None) -> None:
    function = split_backend.compile_inference(lambda w, x: (ops.sum(ops.multiply(x, w)), ops.multiply(x, w)))
    x = np.arange(ROWS * 2, dtype=np.float32).reshape(ROWS, 2)
    with oi.backend_scope(split_backend):
        total, scaled = function(np.float32(2.0), x)
    np.testing.assert_allclose(total, 2.0 * x.astype(np.float64).sum(), rtol=1e-6)
    np.testing.assert_array_equal(scaled, 2 * x)
    assert _only_session(function).concurrent is None


def test_chunk_counts() -> None:
    runs = ConcurrentRuns(4, rows_per_run=1000)
    assert runs.chunks([np.zeros((1000, 3))]) == 1  # it fits one run
    assert runs.chunks([np.zeros((4001, 3))]) == 5  # no chunk above rows_per_run
    small = ConcurrentRuns(2, rows_per_run=10)
    assert small.chunks([np.zeros((2 * MIN_ROWS_PER_RUN - 1, 3))]) == 1  # no chunk below MIN_ROWS_PER_RUN
    assert small.chunks([np.zeros((2 * MIN_ROWS_PER_RUN, 3))]) == 2
    assert runs.chunks([np.zeros((100, 3)), np.zeros((99, 3))]) == 1
    assert runs.chunks([np.zeros(())]) == 1
    assert ConcurrentRuns.for_rows_of(2, row_bytes=CACHE_BYTES).rows_per_run == MIN_ROWS_PER_RUN
    assert ConcurrentRuns.for_rows_of(2, row_bytes=CACHE_BYTES // 100).rows_per_run == 100
    assert worth_splitting(CACHE_BYTES // 31) and not worth_splitting(CACHE_BYTES // 32)


@pytest.mark.parametrize("rows_per_run, sizes", [(34, [33, 34, 34]), (17, [16] + [17] * 5)])
def test_chunks_come_back_in_order(rows_per_run: int, sizes: list[int]) -> None:
    seen: list[int] = []

    def run(arrays: Any) -> list[np.ndarray]:
        seen.append(len(arrays[0]))
        return [arrays[0] * 10, arrays[1][:, ::-1].copy()]

    a = np.arange(101, dtype=np.int32)
    b = np.arange(202, dtype=np.float32).reshape(101, 2)
    tens, flipped = ConcurrentRuns(3, rows_per_run).run(run, [a, b])
    assert sorted(seen) == sorted(sizes)
    np.testing.assert_array_equal(tens, [10 * value for value in range(101)])
    np.testing.assert_array_equal(flipped, [[2 * row + 1, 2 * row] for row in range(101)])


def test_concurrent_runs_option() -> None:
    assert RuntimeOptions.from_environment({"ONEIROS_ONNX_CONCURRENT_RUNS": "3"}).inference_runs() == 3
    with pytest.raises(OneirosError, match="concurrent_runs"):
        RuntimeOptions(concurrent_runs=-1)
    with pytest.raises(OneirosError, match="ONEIROS_ONNX_CONCURRENT_RUNS"):
        RuntimeOptions.from_environment({"ONEIROS_ONNX_CONCURRENT_RUNS": "two"})
    explicit = RuntimeOptions(concurrent_runs=2, intra_op_threads=3)
    assert explicit.for_concurrent_runs(2).intra_op_threads == 3
    assert RuntimeOptions().for_concurrent_runs(1).intra_op_threads == 0
    backend = OnnxBackend(RuntimeOptions())
    assert backend.configure(concurrent_runs=1).inference_runs() == 1


def test_auto_concurrent_runs_follows_the_cores(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_runtime, "usable_cores", lambda: 1)
    assert RuntimeOptions().inference_runs() == 1
    monkeypatch.setattr(_runtime, "usable_cores", lambda: 8)
    assert RuntimeOptions().inference_runs() == 2
    assert RuntimeOptions().for_concurrent_runs(2).intra_op_threads == 4


def test_a_failing_chunk_raises_in_the_caller() -> None:
    def run(arrays: Any) -> list[np.ndarray]:
        if arrays[0][0] >= 50:
            raise ValueError(f"chunk starting at row {arrays[0][0]} failed")
        return [arrays[0]]

    with pytest.raises(ValueError, match="failed"):
        ConcurrentRuns(2, rows_per_run=16).run(run, [np.arange(100)])
