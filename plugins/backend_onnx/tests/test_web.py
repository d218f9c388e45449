"""``oneiros_onnx.web``: model.onnx plus the model.json a web page reads, checked field by field."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import onnxruntime as ort
import pytest

import oneiros as oi
from oneiros import layers
from oneiros_onnx.export import ExportError
from oneiros_onnx.web import export_web, main


def _classifier(input_shape: tuple[int, ...], activation: str | None = "softmax", classes: int = 10) -> Any:
    with oi.backend_scope("jax"):
        model = oi.Sequential([layers.Input(input_shape, name="pixels"), layers.Flatten(),
                               layers.Dense(classes, activation=activation)])
        model(np.zeros((1, *input_shape), np.float32))
    return model


@pytest.fixture(scope="module")
def digits() -> Any:
    return _classifier((28, 28, 1))


def test_writes_the_graph_and_a_manifest_of_input_preprocessing_and_classes(digits: Any, tmp_path: Path) -> None:
    written = export_web(digits, tmp_path / "site" / "model", scale=1 / 255)
    assert written == tmp_path / "site" / "model" / "model.json"
    assert json.loads(written.read_text()) == {
        "format": "oneiros-web",
        "version": 1,
        "model": "model.onnx",
        "input": {"name": "pixels", "shape": [28, 28, 1], "dtype": "float32"},
        "output": {"name": "output", "classes": 10, "probabilities": True},
        "preprocessing": {"size": [28, 28], "channels": 1, "scale": 1 / 255, "invert": False, "digit_box": 20},
        "class_names": ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"],
    }
    pixels = np.random.default_rng(0).integers(0, 256, (3, 28, 28, 1)).astype(np.float32) / 255
    session = ort.InferenceSession(str(written.with_name("model.onnx")), providers=["CPUExecutionProvider"])
    with oi.backend_scope("jax"):
        expected = digits.predict(pixels, verbose=0)
    np.testing.assert_allclose(session.run(None, {"pixels": pixels})[0], expected, rtol=1e-5, atol=1e-6)


def test_flat_inputs_take_the_image_size_and_logits_are_marked(tmp_path: Path) -> None:
    model = _classifier((784,), activation=None, classes=3)
    with pytest.raises(ExportError, match=r"image_size=None from the model's input shape \[784\].*flat input"):
        export_web(model, tmp_path / "flat")
    manifest = json.loads(export_web(model, tmp_path / "flat", image_size=(28, 28), invert=True,
                                     class_names=["cat", "dog", "cow"]).read_text())
    assert manifest["input"]["shape"] == [784]
    assert manifest["output"] == {"name": "output", "classes": 3, "probabilities": False}
    assert manifest["preprocessing"] == {"size": [28, 28], "channels": 1, "scale": 1 / 255, "invert": True,
                                         "digit_box": 20}
    assert manifest["class_names"] == ["cat", "dog", "cow"]


def test_colour_inputs_repeat_the_gray_pixels(tmp_path: Path) -> None:
    manifest = json.loads(export_web(_classifier((8, 12, 3)), tmp_path, digit_box=5).read_text())
    assert manifest["preprocessing"] == {"size": [8, 12], "channels": 3, "scale": 1 / 255, "invert": False,
                                         "digit_box": 5}
    assert json.loads(export_web(_classifier((14, 14)), tmp_path).read_text())["preprocessing"]["digit_box"] == 10


@pytest.mark.parametrize("arguments, message", [
    ({"scale": 0.0}, r"scale must be a positive finite number; received 0.0"),
    ({"scale": float("nan")}, r"scale must be a positive finite number; received nan"),
    ({"digit_box": 29}, r"digit_box must be a whole number of pixels from 1 to 28; received 29"),
    ({"class_names": ["a", "b"]}, r"The model has 10 classes; received 2 class names \['a', 'b'\]"),
    ({"image_size": (14, 56)}, r"Cannot read an image of image_size=\(14, 56\)"),
])
def test_bad_arguments_are_refused_before_anything_is_written(digits: Any, tmp_path: Path, arguments: dict,
                                                              message: str) -> None:
    with pytest.raises(ExportError, match=message):
        export_web(digits, tmp_path / "out", **arguments)
    assert not (tmp_path / "out").exists()


def test_models_a_page_cannot_feed_are_refused(tmp_path: Path) -> None:
    with oi.backend_scope("jax"):
        first, second = oi.Input((4,), name="first"), oi.Input((4,), name="second")
        pair = oi.Model([first, second], layers.Dense(2, activation="softmax")(layers.Concatenate()([first, second])))
    with pytest.raises(ExportError, match="one input and one output; received 2 inputs and 1 outputs"):
        export_web(pair, tmp_path / "pair")
    with pytest.raises(ExportError, match=r"input shape \[28, 28, 2\].*needs 2 channels"):
        export_web(_classifier((28, 28, 2)), tmp_path / "two")
    with pytest.raises(ExportError, match=r"shape \(batch, classes\) with at least 2 classes; 'output' has shape "
                                          r"\['batch', 1\]"):
        export_web(_classifier((28, 28, 1), activation="sigmoid", classes=1), tmp_path / "binary")
    assert not any(tmp_path.iterdir())


def test_command_line_reads_a_saved_model(digits: Any, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    saved = digits.save(tmp_path / "digits.oneiros")
    assert main([str(saved), str(tmp_path / "web"), "--scale", "1/127.5", "--invert", "--digit-box", "18",
                 "--class-names", "zero,one,two,three,four,five,six,seven,eight,nine"]) == 0
    manifest = json.loads((tmp_path / "web" / "model.json").read_text())
    assert manifest["preprocessing"] == {"size": [28, 28], "channels": 1, "scale": 2 / 255, "invert": True,
                                         "digit_box": 18}
    assert manifest["class_names"][9] == "nine"
    assert f"to {tmp_path / 'web' / 'model.onnx'} and" in capsys.readouterr().out


def test_command_line_errors_name_the_problem(digits: Any, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    saved = digits.save(tmp_path / "digits.oneiros")
    for argv, message in [([str(saved), str(tmp_path), "--scale", "1/0"], "expected a number such as 0.5 or 1/255"),
                          ([str(tmp_path / "missing.oneiros"), str(tmp_path)], "does not exist"),
                          ([str(saved), str(tmp_path), "--class-names", "a,b"], "received 2 class names")]:
        with pytest.raises(SystemExit) as exit_info:
            main(argv)
        assert exit_info.value.code != 0
        assert message in capsys.readouterr().err
