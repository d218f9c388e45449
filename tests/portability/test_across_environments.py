"""Models move between environments that cannot share a process: trained and saved with JAX or
TensorFlow (numpy 2, this environment), they load on MXNet (numpy < 1.24, .venv-mxnet) and predict
the same values; trained with MXNet, they load on JAX, TensorFlow and the ONNX backend here and
predict the same.

The MXNet side runs in subprocesses with .venv-mxnet/bin/python (``make test`` creates it).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import oneiros as oi
from oneiros.backend import available_backends

sys.path.insert(0, str(Path(__file__).parent))
from _models import build_model  # noqa: E402

HERE = Path(__file__).resolve().parent
MXNET_PYTHON = HERE.parents[1] / ".venv-mxnet" / "bin" / "python"
WORKER = HERE / "_mxnet_worker.py"
RTOL = 1e-5


def _mxnet(*arguments: str) -> None:
    if not MXNET_PYTHON.exists():
        pytest.skip(f"the MXNet environment {MXNET_PYTHON.parents[1]} does not exist; `make test` creates it")
    result = subprocess.run([str(MXNET_PYTHON), str(WORKER), *arguments], capture_output=True, text=True)
    assert result.returncode == 0, f"the MXNet worker failed ({' '.join(arguments)}):\n{result.stderr[-3000:]}"


def _data(directory: Path) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(3)
    x = rng.normal(size=(48, 10, 10, 3)).astype(np.float32)
    y = rng.normal(size=(48, 5)).astype(np.float32)
    np.save(directory / "x.npy", x)
    np.save(directory / "y.npy", y)
    return x, y


def _assert_close(actual: np.ndarray, expected: np.ndarray, what: str) -> None:
    assert actual.shape == expected.shape and actual.dtype == expected.dtype == np.float32
    assert np.abs(expected).max() > 0.1, f"{what}: the predictions are too small to judge"
    np.testing.assert_allclose(actual, expected, rtol=RTOL, atol=RTOL * np.abs(expected).max(), err_msg=what)


@pytest.mark.parametrize("backend", ["jax", "tensorflow"])
def test_a_model_trained_here_predicts_the_same_on_mxnet(tmp_path, backend):
    if backend not in available_backends():
        pytest.skip(f"the {backend!r} backend is not installed in this environment")
    x, y = _data(tmp_path)
    with oi.backend_scope(backend):
        oi.set_random_seed(2)
        model = build_model()
        model.compile(optimizer="adam", loss="mse")
        model.fit(x, y, epochs=3, batch_size=16, verbose=0)
        model.save(tmp_path / "model.oneiros")
        here = model.predict(x, verbose=0)
    _mxnet("predict", str(tmp_path / "model.oneiros"), str(tmp_path / "x.npy"), str(tmp_path / "on_mxnet.npy"))
    _assert_close(np.load(tmp_path / "on_mxnet.npy"), here, f"{backend}-trained model on mxnet")


@pytest.fixture(scope="module")
def trained_on_mxnet(tmp_path_factory) -> Path:
    """A directory holding x.npy, a model trained on it with MXNet, and that model's predictions."""
    directory = tmp_path_factory.mktemp("mxnet")
    _data(directory)
    _mxnet("train", str(directory))
    return directory


@pytest.mark.parametrize("backend", ["jax", "tensorflow", "onnx"])
def test_a_model_trained_on_mxnet_predicts_the_same_here(trained_on_mxnet, backend):
    if backend not in available_backends():
        pytest.skip(f"the {backend!r} backend is not installed in this environment")
    loaded = oi.load_model(trained_on_mxnet / "model.oneiros", backend=backend)
    predictions = loaded.predict(np.load(trained_on_mxnet / "x.npy"), verbose=0)
    _assert_close(predictions, np.load(trained_on_mxnet / "predictions.npy"), f"mxnet-trained model on {backend}")
