"""``oneiros export`` on the command line, and loading .onnx files safely with ``load_onnx``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import onnx
import pytest
from click.testing import CliRunner

import oneiros as oi
from oneiros import layers
from oneiros.cli import main
from oneiros.errors import CorruptFileError
from oneiros_onnx import UnsafeModelError, load_onnx


@pytest.fixture(scope="module")
def saved(tmp_path_factory: Any) -> tuple[Path, np.ndarray, np.ndarray]:
    folder = tmp_path_factory.mktemp("saved")
    with oi.backend_scope("jax"):
        model = oi.Sequential([layers.Input((5,)), layers.Dense(8, activation="relu"), layers.Dense(3)])
        x = np.random.default_rng(0).random((6, 5), dtype=np.float32)
        expected = model.predict(x, verbose=0)
        model.save(folder / "model.oneiros")
    return folder / "model.oneiros", x, expected


def test_cli_export_reproduces_predictions(saved: Any, tmp_path: Path) -> None:
    path, x, expected = saved
    result = CliRunner().invoke(main, ["export", str(path), str(tmp_path / "out.onnx")])
    assert result.exit_code == 0, result.output
    assert "out.onnx" in result.output
    model = load_onnx(tmp_path / "out.onnx")
    np.testing.assert_allclose(model.predict(x, batch_size=4), expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(model(x[:2]), expected[:2], rtol=1e-5, atol=1e-6)


def test_cli_export_reports_an_unknown_format(saved: Any, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["export", str(saved[0]), str(tmp_path / "out.coreml")])
    assert result.exit_code != 0
    assert "coreml" in result.output and "onnx" in result.output


def _external(saved: Any, folder: Path) -> Path:
    """The exported model with its weights in ``weights.bin`` beside it."""
    path, _, _ = saved
    with oi.backend_scope("jax"):
        model = oi.load_model(path)
    from oneiros_onnx import to_onnx

    proto = to_onnx(model)
    target = folder / "external.onnx"
    onnx.save_model(proto, str(target), save_as_external_data=True, location="weights.bin", size_threshold=0)
    return target


def _relocate(path: Path, location: str) -> None:
    proto = onnx.load(str(path), load_external_data=False)
    for tensor in proto.graph.initializer:
        for entry in tensor.external_data:
            if entry.key == "location":
                entry.value = location
    onnx.save_model(proto, str(path))


def test_external_data_inside_the_folder_loads(saved: Any, tmp_path: Path) -> None:
    _, x, expected = saved
    model = load_onnx(_external(saved, tmp_path))
    np.testing.assert_allclose(model.predict(x), expected, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("where", ["parent", "absolute", "symlink"])
def test_external_data_outside_the_folder_is_refused(where: str, saved: Any, tmp_path: Path) -> None:
    inner = tmp_path / "model"
    inner.mkdir()
    path = _external(saved, inner)
    outside = tmp_path / "outside.bin"
    (inner / "weights.bin").rename(outside)
    if where == "parent":
        _relocate(path, "../outside.bin")
    elif where == "absolute":
        _relocate(path, str(outside))
    else:
        (inner / "weights.bin").symlink_to(outside)
    with pytest.raises(UnsafeModelError, match="outside|relative"):
        load_onnx(path)


def test_a_file_that_is_not_onnx_is_a_corrupt_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.onnx"
    path.write_bytes(b"\x00\xffnot a protobuf at all")
    with pytest.raises(CorruptFileError):
        load_onnx(path)
