"""The same model, data and initial weights, trained for a few SGD steps by ``fit`` on MXNet (this
environment) and on JAX (the main environment, numpy 2), ends with the same weights."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
WORKER = Path(__file__).with_name("_sgd_worker.py")
MAIN_PYTHON = Path(__file__).resolve().parents[3] / ".venv" / "bin" / "python"


def _run(python: Path | str, *arguments: str) -> None:
    result = subprocess.run([str(python), str(WORKER), *arguments], capture_output=True, text=True)
    assert result.returncode == 0, f"{python} {' '.join(arguments)} failed:\n{result.stderr[-3000:]}"


def _jax_python() -> Path:
    if not MAIN_PYTHON.exists():
        pytest.skip(f"the main environment {MAIN_PYTHON.parent.parent} (with jax) does not exist; run `make setup`")
    probe = subprocess.run([str(MAIN_PYTHON), "-c", "import jax, oneiros_jax"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip(f"{MAIN_PYTHON} cannot import jax and oneiros_jax; run `make setup`")
    return MAIN_PYTHON


def test_sgd_steps_on_mxnet_reach_the_weights_they_reach_on_jax(tmp_path):
    jax_python = _jax_python()
    _run(sys.executable, "init", "numpy", str(tmp_path))
    _run(sys.executable, "train", "mxnet", str(tmp_path))
    _run(jax_python, "train", "jax", str(tmp_path))
    initial = np.load(tmp_path / "initial.npz")
    on_mxnet, on_jax = np.load(tmp_path / "mxnet.npz"), np.load(tmp_path / "jax.npz")
    assert on_mxnet.files == on_jax.files == initial.files
    moved = [np.max(np.abs(on_jax[name] - initial[name])) for name in initial.files]
    assert sum(change > 1e-2 for change in moved) >= 10, f"training barely moved the weights: {moved}"
    for name in on_mxnet.files:
        np.testing.assert_allclose(on_mxnet[name], on_jax[name], rtol=1e-4, atol=1e-4, err_msg=name)
