"""examples/web_digits end to end: a digit model trained here, exported with
``python -m oneiros_onnx.web``, served on 127.0.0.1 and run by onnxruntime-web in headless
Chromium must predict what the model predicts in Python, for real MNIST digits fed through
``predictPixels`` and for digits drawn on the canvas with the mouse and by touch.

Needs Chromium and npm (installed with apt-get when missing and running as root) and the npm
registry once, to vendor onnxruntime-web; skipped, saying why, where those cannot be had.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pytest

import oneiros as oi
from oneiros import layers


pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "web_digits"
DATA = REPO.parent / "shared" / "data"
TRAIN_IMAGES = 3000
CALIBRATION_IMAGES = 300
TOLERANCE = 1e-4
SEVEN = [(0.22, 0.2), (0.5, 0.19), (0.78, 0.2), (0.7, 0.38), (0.6, 0.58), (0.52, 0.82)]
ONE = [(0.5, 0.15), (0.5, 0.5), (0.5, 0.85)]
VENDOR_FETCH_FAILED = 75
"""vendor.sh's exit status when npm cannot fetch the package; any other failure fails the test."""


def _load(path: Path, name: str) -> ModuleType:
    """The module at ``path`` (helpers beside this file, the example's trainer) without touching sys.path."""
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_browser = _load(Path(__file__).with_name("_browser.py"), "oneiros_web_test_browser")
Page = _browser.Page


@pytest.fixture(scope="module")
def trainer() -> ModuleType:
    if not (DATA / "t10k-images-idx3-ubyte.gz").is_file():
        pytest.fail(f"The MNIST t10k files are missing from {DATA} (the project's ../shared/data).")
    return _load(EXAMPLE / "train.py", "oneiros_web_digits_train")


@pytest.fixture(scope="module")
def exported(trainer: ModuleType, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The example's small model, trained and saved here, and the same weights without the final
    softmax, exported by the documented command into folder/model and folder/logits; the model
    again as static int8 (calibrated on training images) into folder/int8."""
    folder = tmp_path_factory.mktemp("web_export")
    model, accuracy = trainer.train(DATA, small=True, images=TRAIN_IMAGES, epochs=4)
    assert accuracy > 0.85, f"the small digit model reached only {accuracy:.2%} on held-out digits"
    without_softmax = oi.Sequential([layers.Input((28, 28, 1), name="pixels"), layers.Flatten(),
                                     layers.Dense(64, activation="relu"), layers.Dense(10)])
    without_softmax.set_weights(model.get_weights())
    for name, saved in [("model", model.save(folder / "digits.oneiros")),
                        ("logits", without_softmax.save(folder / "logits.oneiros"))]:
        done = subprocess.run([sys.executable, "-m", "oneiros_onnx.web", str(saved), str(folder / name),
                               "--scale", "1/255"], capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
    (x_train, _), _ = trainer.load_digits(DATA)
    np.save(folder / "calibration.npy", trainer.model_input(x_train[:CALIBRATION_IMAGES]))
    done = subprocess.run([sys.executable, "-m", "oneiros_onnx.web", str(folder / "digits.oneiros"),
                           str(folder / "int8"), "--scale", "1/255", "--quantize", "int8",
                           "--calibration", str(folder / "calibration.npy")],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    manifest = json.loads((folder / "model" / "model.json").read_text())
    return {"model": model, "folder": folder, "manifest": manifest}


@pytest.fixture(scope="module")
def page(exported: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Page]:
    """The example page in headless Chromium, its model loaded."""
    chromium = _browser.ensure_command("chromium", "chromium")
    _browser.ensure_command("npm", "npm")
    vendored = subprocess.run(["bash", str(EXAMPLE / "vendor.sh")], capture_output=True, text=True, timeout=300)
    if vendored.returncode == VENDOR_FETCH_FAILED:
        pytest.skip(f"could not fetch onnxruntime-web from the npm registry: {vendored.stderr.strip()[-500:]}")
    assert vendored.returncode == 0, vendored.stderr
    browser_dir = tmp_path_factory.mktemp("chromium")
    mounts = {name: exported["folder"] / name for name in ("model", "logits", "int8")}
    with _browser.static_site(EXAMPLE, mounts) as (url, requests), \
            _browser.chromium_page(chromium, browser_dir / "profile", browser_dir / "chromium.log") as tab:
        tab.navigate(url)
        try:
            tab.evaluate("window.digitsReady.then(() => true)")
        except RuntimeError as error:
            raise AssertionError(f"{error}\nrequests: {requests}\nconsole: {tab.console()}") from None
        yield tab


def _mnist_by_class(trainer: ModuleType) -> tuple[np.ndarray, np.ndarray]:
    """The first held-out image of each digit 0-9, uint8 (10, 28, 28), and the labels."""
    _, (images, labels) = trainer.load_digits(DATA)
    firsts = [int(np.flatnonzero(labels == digit)[0]) for digit in range(10)]
    return images[firsts], labels[firsts]


def _python_probabilities(exported: dict[str, Any], pixels: np.ndarray) -> np.ndarray:
    """model.predict on uint8 (n, 28, 28) pixels, preprocessed as model.json says, written out here."""
    preprocessing = exported["manifest"]["preprocessing"]
    values = 255 - pixels.astype(np.float64) if preprocessing["invert"] else pixels.astype(np.float64)
    inputs = (values * preprocessing["scale"]).astype(np.float32)[..., np.newaxis]
    return np.asarray(exported["model"].predict(inputs, verbose=0))


def _predict_pixels(page: Page, images: np.ndarray) -> list[dict[str, Any]]:
    """``window.predictPixels`` on each uint8 (28, 28) image, in order."""
    return page.evaluate(f"""(async () => {{
        const results = [];
        for (const pixels of {json.dumps(images.reshape(len(images), -1).tolist())}) {{
            results.push(await window.predictPixels(pixels));
        }}
        return results;
    }})()""")


@contextmanager
def _serving(page: Page, model_dir: str) -> Iterator[None]:
    """The page reloaded with ``?model=MODEL_DIR/`` (a mounted export), then back to the default model."""
    home = page.url
    page.navigate(f"{home}?model={model_dir}/")
    try:
        page.evaluate("window.digitsReady.then(() => true)")
        yield
    finally:
        page.navigate(home)
        page.evaluate("window.digitsReady.then(() => true)")


def _pad_points(page: Page, fractions: list[tuple[float, float]], step: float = 8.0) -> list[tuple[float, float]]:
    """Viewport points along the polyline ``fractions`` of the drawing pad, about ``step`` px apart."""
    box = page.evaluate("(({left, top, width, height}) => ({left, top, width, height}))"
                        "(document.getElementById('pad').getBoundingClientRect())")
    corners = [(box["left"] + x * box["width"], box["top"] + y * box["height"]) for x, y in fractions]
    points = [corners[0]]
    for (x0, y0), (x1, y1) in zip(corners, corners[1:]):
        count = max(1, int(np.hypot(x1 - x0, y1 - y0) / step))
        points += [(x0 + (x1 - x0) * k / count, y0 + (y1 - y0) * k / count) for k in range(1, count + 1)]
    return points


def _drawn_prediction(page: Page) -> dict[str, Any]:
    """What the page shows once the drawing's prediction has settled."""
    page.wait_for("window.lastDrawing !== undefined && document.body.dataset.busy === 'false'")
    return page.evaluate("""({
        drawing: window.lastDrawing,
        shown: document.getElementById('prediction').textContent,
        bars: Array.from(document.querySelectorAll('#bars li'), (row) => ({
            label: row.children[0].textContent, best: row.classList.contains('best'),
            width: parseFloat(row.querySelector('.fill').style.width)})),
    })""")


def _clear(page: Page) -> None:
    page.evaluate("document.getElementById('clear').click(); window.lastDrawing = undefined; true")


def test_web_export_describes_the_training(exported: dict[str, Any]) -> None:
    manifest = exported["manifest"]
    assert manifest["input"] == {"name": "pixels", "shape": [28, 28, 1], "dtype": "float32"}
    assert manifest["preprocessing"] == {"size": [28, 28], "channels": 1, "scale": 1 / 255, "invert": False,
                                         "digit_box": 20}
    assert manifest["output"]["probabilities"] is True and manifest["output"]["classes"] == 10
    assert manifest["class_names"] == [str(digit) for digit in range(10)]
    assert (exported["folder"] / "model" / manifest["model"]).stat().st_size > 100_000


def test_page_predicts_real_digits_like_python(page: Page, exported: dict[str, Any], trainer: ModuleType) -> None:
    images, labels = _mnist_by_class(trainer)
    results = page.evaluate(f"""(async () => {{
        const images = {json.dumps(images.reshape(len(images), -1).tolist())};
        const results = [];
        for (const pixels of images) results.push(await window.predictPixels(pixels));
        return results;
    }})()""")
    expected = _python_probabilities(exported, images)
    got = np.array([result["probabilities"] for result in results])
    np.testing.assert_allclose(got, expected, rtol=0, atol=TOLERANCE)
    assert [result["classIndex"] for result in results] == expected.argmax(axis=1).tolist()
    assert [result["className"] for result in results] == [str(index) for index in expected.argmax(axis=1)]
    assert (expected.argmax(axis=1) == labels).sum() >= 8, "the model should read most of these digits"


def test_page_refuses_pixels_of_the_wrong_size(page: Page) -> None:
    with pytest.raises(RuntimeError, match=r"expects 28x28 = 784 gray pixels, row-major; received 10"):
        page.evaluate("window.predictPixels(new Array(10).fill(0))")


def _check_drawing(result: dict[str, Any], exported: dict[str, Any]) -> np.ndarray:
    """The drawn pixels, after checking the shown prediction is the model's on them."""
    pixels = np.array(result["drawing"]["pixels"], np.uint8).reshape(28, 28)
    rows, columns = np.nonzero(pixels)
    assert rows.size, "the drawing reached the model as a blank image"
    assert np.ptp(rows) < 23 and np.ptp(columns) < 23, "strokes are fitted into the 20x20 digit box (plus smoothing)"
    mass = pixels.astype(np.float64) / pixels.sum()
    centre = (mass.sum(axis=1) @ np.arange(28), mass.sum(axis=0) @ np.arange(28))
    np.testing.assert_allclose(centre, (13.5, 13.5), atol=1.0, err_msg="the ink is centred by mass")
    expected = _python_probabilities(exported, pixels[np.newaxis])[0]
    prediction = result["drawing"]["prediction"]
    np.testing.assert_allclose(prediction["probabilities"], expected, rtol=0, atol=TOLERANCE)
    assert prediction["classIndex"] == int(expected.argmax())
    assert result["shown"] == prediction["className"] == str(expected.argmax())
    bars = result["bars"]
    assert [bar["label"] for bar in bars] == [str(digit) for digit in range(10)]
    assert [bar["best"] for bar in bars] == [digit == expected.argmax() for digit in range(10)]
    np.testing.assert_allclose([bar["width"] for bar in bars], 100 * expected, atol=0.01)
    return pixels


def test_mouse_drawing_is_predicted_and_shown(page: Page, exported: dict[str, Any], tmp_path: Path) -> None:
    _clear(page)
    page.mouse_stroke(_pad_points(page, SEVEN))
    _check_drawing(_drawn_prediction(page), exported)
    screenshot = page.screenshot()
    assert screenshot.startswith(b"\x89PNG\r\n\x1a\n")
    destinations = [tmp_path] + ([Path(os.environ["ONEIROS_ARTIFACTS"])] if os.environ.get("ONEIROS_ARTIFACTS") else [])
    for folder in destinations:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "web_digits.png").write_bytes(screenshot)


def test_touch_drawing_is_predicted_and_shown(page: Page, exported: dict[str, Any]) -> None:
    _clear(page)
    page.call("Emulation.setTouchEmulationEnabled", {"enabled": True, "maxTouchPoints": 1})
    page.touch_stroke(_pad_points(page, ONE))
    pixels = _check_drawing(_drawn_prediction(page), exported)
    columns = np.nonzero(pixels)[1]
    assert np.ptp(columns) < 8, "a vertical stroke stays a narrow vertical stroke"


def test_page_turns_scores_into_probabilities(page: Page, exported: dict[str, Any], trainer: ModuleType) -> None:
    """The same weights without the final softmax: the page's own softmax must give the model's."""
    images, _ = _mnist_by_class(trainer)
    with _serving(page, "logits"):
        assert page.evaluate("window.digitsReady.then((manifest) => manifest.output.probabilities)") is False
        results = _predict_pixels(page, images[:4])
    got = np.array([result["probabilities"] for result in results])
    np.testing.assert_allclose(got, _python_probabilities(exported, images[:4]), rtol=0, atol=TOLERANCE)


def test_page_runs_the_int8_model_like_python(page: Page, exported: dict[str, Any], trainer: ModuleType) -> None:
    """``--quantize int8``: a smaller download that onnxruntime-web runs as ONNX Runtime does in Python."""
    import onnxruntime

    folder = exported["folder"]
    assert (folder / "int8" / "model.onnx").stat().st_size <= 0.3 * (folder / "model" / "model.onnx").stat().st_size
    images, labels = _mnist_by_class(trainer)
    with _serving(page, "int8"):
        results = _predict_pixels(page, images)
    session = onnxruntime.InferenceSession(str(folder / "int8" / "model.onnx"), providers=["CPUExecutionProvider"])
    inputs = trainer.model_input(images)
    (expected,) = session.run(None, {session.get_inputs()[0].name: inputs})
    got = np.array([result["probabilities"] for result in results])
    np.testing.assert_allclose(got, expected, rtol=0, atol=TOLERANCE)
    assert (expected.argmax(axis=1) == labels).sum() >= 8, "the int8 model should read most of these digits"
