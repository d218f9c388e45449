"""`oneiros export`: to an .onnx file, and `--web DIR` for a page, from a saved model."""

import json
import subprocess
import sys

import numpy as np
import onnxruntime

import oneiros as oi
from oneiros import layers


def saved_model(tmp_path):
    with oi.backend_scope("numpy"):
        model = oi.Sequential([layers.Input((28, 28, 1), name="pixels"), layers.Flatten(),
                               layers.Dense(10, activation="softmax")])
        path = model.save(tmp_path / "digits.oneiros")
        probe = np.random.default_rng(0).random((3, 28, 28, 1), dtype=np.float32)
        return path, probe, model.predict(probe, verbose=0)


def oneiros(*args):
    return subprocess.run([sys.executable, "-m", "oneiros.cli", "export", *args], capture_output=True, text=True,
                          timeout=300)


def test_export_to_onnx_reproduces_predictions(tmp_path):
    path, probe, expected = saved_model(tmp_path)
    result = oneiros(str(path), str(tmp_path / "digits.onnx"))
    assert result.returncode == 0, result.stderr
    session = onnxruntime.InferenceSession(str(tmp_path / "digits.onnx"), providers=["CPUExecutionProvider"])
    (got,) = session.run(None, {session.get_inputs()[0].name: probe})
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)


def test_export_for_the_web_writes_model_and_manifest(tmp_path):
    path, _, _ = saved_model(tmp_path)
    result = oneiros("--web", str(tmp_path / "site"), str(path))
    assert result.returncode == 0, result.stderr
    manifest = json.loads((tmp_path / "site" / "model.json").read_text())
    assert (tmp_path / "site" / "model.onnx").is_file()
    assert manifest["input"] == {"name": "pixels", "shape": [28, 28, 1], "dtype": "float32"}
    assert manifest["output"]["classes"] == 10 and manifest["class_names"] == [str(i) for i in range(10)]


def test_export_needs_exactly_one_destination(tmp_path):
    path, _, _ = saved_model(tmp_path)
    result = oneiros(str(path))
    assert result.returncode != 0 and "Give either OUTPUT_PATH or --web DIR" in result.stderr
