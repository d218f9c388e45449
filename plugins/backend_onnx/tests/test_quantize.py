"""int8 and float16 ONNX export of an MNIST convnet trained here, checked in plain ONNX Runtime
against the float32 export and the MNIST labels."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import onnx
import onnxruntime as ort
import pytest

import oneiros as oi
from oneiros import layers
from oneiros_onnx.quantize import QuantizationError, QuantizationWarning

pytestmark = pytest.mark.slow

DATA = Path(__file__).resolve().parents[3].parent / "shared" / "data"
TRAIN_IMAGES = 8000
FIT_IMAGES = 5120
"""Whole batches of 64: at 8ea7ab7 a smaller last batch retraces the jax step and leaks Dropout's seed tracer."""
CALIBRATION_ROWS = 500


def _run(path: Path, inputs: np.ndarray) -> np.ndarray:
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    name = session.get_inputs()[0].name
    return np.concatenate([session.run(None, {name: inputs[start:start + 256]})[0]
                           for start in range(0, len(inputs), 256)])


@pytest.fixture(scope="module")
def digits() -> dict[str, np.ndarray]:
    from oneiros_vision.datasets.mnist import load_split

    if not (DATA / "t10k-images-idx3-ubyte.gz").is_file():
        pytest.fail(f"The MNIST t10k files are missing from {DATA} (the project's ../shared/data).")
    images, labels = load_split(DATA, "test")
    pixels = (images.astype(np.float32) / 255)[..., np.newaxis]
    return {"x_train": pixels[:TRAIN_IMAGES], "y_train": labels[:TRAIN_IMAGES].astype(np.int32),
            "x_test": pixels[TRAIN_IMAGES:], "y_test": labels[TRAIN_IMAGES:].astype(np.int32)}


@pytest.fixture(scope="module")
def exported(digits: dict[str, np.ndarray], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The classic Keras MNIST convnet trained briefly, saved, and exported as float32, static
    int8, dynamic int8 and float16; each file's predictions on the 2,000 held-out digits."""
    from oneiros_vision.models import mnist_convnet

    folder = tmp_path_factory.mktemp("quantize")
    oi.set_random_seed(0)
    model = mnist_convnet()
    # steps_per_execution=1: at 8ea7ab7 'auto' measures fused steps that leak Dropout's seed tracer on jax.
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"], steps_per_execution=1)
    model.fit(digits["x_train"][:FIT_IMAGES], digits["y_train"][:FIT_IMAGES], epochs=2, batch_size=64, verbose=0)
    calibration = digits["x_train"][:CALIBRATION_ROWS]
    paths = {name: folder / f"{name}.onnx" for name in ("float32", "static", "dynamic", "float16")}
    model.export(paths["float32"])
    model.export(paths["static"], quantize="int8", calibration_data=calibration)
    model.export(paths["dynamic"], quantize="int8")
    model.export(paths["float16"], quantize="float16", calibration_data=calibration)
    np.save(folder / "calibration.npy", calibration)
    return {"model": model, "saved": model.save(folder / "digits.oneiros"), "folder": folder, "paths": paths,
            "outputs": {name: _run(path, digits["x_test"]) for name, path in paths.items()}}


def _agreement(exported: dict[str, Any], name: str) -> float:
    outputs = exported["outputs"]
    return float(np.mean(outputs[name].argmax(-1) == outputs["float32"].argmax(-1)))


def _metadata(path: Path) -> dict[str, str]:
    return {entry.key: entry.value for entry in onnx.load(str(path)).metadata_props}


@pytest.mark.parametrize("name", ["static", "dynamic", "float16"])
def test_quantized_models_agree_with_float32_on_mnist(exported: dict[str, Any], name: str) -> None:
    assert _agreement(exported, name) >= 0.99


def test_static_int8_keeps_the_accuracy_in_under_a_third_of_the_bytes(exported: dict[str, Any],
                                                                       digits: dict[str, np.ndarray]) -> None:
    paths, outputs = exported["paths"], exported["outputs"]
    accuracy = {name: float(np.mean(outputs[name].argmax(-1) == digits["y_test"])) for name in outputs}
    assert accuracy["float32"] > 0.9, accuracy
    assert abs(accuracy["static"] - accuracy["float32"]) <= 0.003, accuracy
    assert paths["static"].stat().st_size <= 0.30 * paths["float32"].stat().st_size


def test_static_int8_keeps_the_one_channel_convolution_float32(exported: dict[str, Any]) -> None:
    """The first Conv2D reads 1 channel (9 products per output): it stays float32 with its pooling
    and activation, and ONNX Runtime quantizes only the pooled tensor for the int8 Conv2D after it."""
    path = exported["paths"]["static"]
    kernels = {tuple(tensor.dims): tensor.data_type for tensor in onnx.load(str(path)).graph.initializer
               if len(tensor.dims) == 4}
    assert kernels == {(32, 1, 3, 3): onnx.TensorProto.FLOAT, (64, 32, 3, 3): onnx.TensorProto.INT8}, kernels
    options = ort.SessionOptions()
    options.optimized_model_filepath = str(path.with_suffix(".optimized.onnx"))
    ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    kinds = [node.op_type for node in onnx.load(options.optimized_model_filepath).graph.node]
    assert kinds.index("QuantizeLinear") > kinds.index("MaxPool") and "QLinearConv" in kinds, kinds


def test_pooling_moves_before_the_activation_of_a_float_convolution() -> None:
    """Conv(1 channel) -> Relu -> MaxPool becomes Conv -> MaxPool -> Relu, and the graph computes
    what it did (ONNX Runtime runs both)."""
    from onnx import helper, numpy_helper

    from oneiros_onnx.quantize import _float_start

    rng = np.random.default_rng(0)
    graph = helper.make_graph(
        [helper.make_node("Conv", ["x", "kernel"], ["convolved"]), helper.make_node("Relu", ["convolved"], ["active"]),
         helper.make_node("MaxPool", ["active"], ["pooled"], kernel_shape=[2, 2], strides=[2, 2])], "shallow",
        [helper.make_tensor_value_info("x", onnx.TensorProto.FLOAT, [None, 1, 8, 8])],
        [helper.make_tensor_value_info("pooled", onnx.TensorProto.FLOAT, [None, 4, 3, 3])],
        [numpy_helper.from_array(rng.normal(size=(4, 1, 3, 3)).astype(np.float32), "kernel")])
    original = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 18)], ir_version=8)
    rewritten = onnx.ModelProto()
    rewritten.CopyFrom(original)
    kept = _float_start(rewritten)
    onnx.checker.check_model(rewritten, full_check=True)
    assert [node.op_type for node in rewritten.graph.node] == ["Conv", "MaxPool", "Relu"]
    assert sorted(kept) == sorted(node.name for node in rewritten.graph.node)
    x = rng.normal(size=(3, 1, 8, 8)).astype(np.float32)
    sessions = [ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
                for model in (original, rewritten)]
    outputs = [session.run(None, {"x": x})[0] for session in sessions]
    np.testing.assert_array_equal(outputs[1], outputs[0])


def test_depthwise_and_deep_convolutions_are_quantized() -> None:
    from onnx import helper, numpy_helper

    from oneiros_onnx.quantize import MIN_INT8_CONV_DEPTH, _float_start

    kernels = {"depthwise": np.ones((8, 1, 3, 3), np.float32),
               "deep": np.ones((8, 8, 3, 3), np.float32)}
    assert 8 * 9 >= MIN_INT8_CONV_DEPTH > 9
    graph = helper.make_graph(
        [helper.make_node("Conv", ["x", "depthwise"], ["spread"], group=8, pads=[1, 1, 1, 1]),
         helper.make_node("Relu", ["spread"], ["active"]), helper.make_node("Conv", ["active", "deep"], ["y"])],
        "deep", [helper.make_tensor_value_info("x", onnx.TensorProto.FLOAT, [None, 8, 8, 8])],
        [helper.make_tensor_value_info("y", onnx.TensorProto.FLOAT, [None, 8, 6, 6])],
        [numpy_helper.from_array(kernel, name) for name, kernel in kernels.items()])
    assert _float_start(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 18)])) == []


def test_the_export_records_how_it_quantized(exported: dict[str, Any], digits: dict[str, np.ndarray]) -> None:
    paths = exported["paths"]
    static = _metadata(paths["static"])
    assert (static["oneiros_quantize"], static["oneiros_quantize_method"]) == ("int8", "static")
    calibration = digits["x_train"][:CALIBRATION_ROWS]
    expected = np.mean(_run(paths["static"], calibration).argmax(-1) == _run(paths["float32"], calibration).argmax(-1))
    assert float(static["oneiros_top1_agreement"]) == pytest.approx(expected, abs=1e-6)
    dynamic = _metadata(paths["dynamic"])
    assert dynamic["oneiros_quantize_method"] == "dynamic" and "oneiros_top1_agreement" not in dynamic
    assert _metadata(paths["float16"])["oneiros_quantize"] == "float16"
    assert _metadata(paths["float16"])["oneiros_model"] == exported["model"].name


def test_float16_keeps_float32_inputs_and_outputs_and_halves_the_weights(exported: dict[str, Any]) -> None:
    paths = exported["paths"]
    proto = onnx.load(str(paths["float16"]))
    assert {value.type.tensor_type.elem_type for value in (*proto.graph.input, *proto.graph.output)} == {
        onnx.TensorProto.FLOAT}
    assert paths["float16"].stat().st_size <= 0.55 * paths["float32"].stat().st_size
    np.testing.assert_allclose(exported["outputs"]["float16"], exported["outputs"]["float32"], atol=5e-3)


@pytest.mark.parametrize(("options", "message"), [
    ({"quantize": "int3"}, "quantize must be None or one of ['int8', 'float16']; received 'int3'"),
    ({"quantize": "int8", "calibration_data": np.zeros((4, 28, 28), np.float32)},
     "must have shape ('batch', 28, 28, 1); received shape (4, 28, 28)"),
    ({"quantize": "int8", "calibration_data": np.zeros((0, 28, 28, 1), np.float32)}, "has no rows"),
    ({"quantize": "int8", "calibration_data": [np.zeros((4, 28, 28, 1))] * 2}, "holds 2 arrays"),
    ({"quantize": "int8", "calibration_data": np.array([["a"] * 28] * 28)[None, ..., None]}, "dtype <U1"),
])
def test_bad_quantize_arguments_raise_before_writing(exported: dict[str, Any], tmp_path: Path,
                                                     options: dict[str, Any], message: str) -> None:
    target = tmp_path / "bad.onnx"
    with pytest.raises(QuantizationError) as raised:
        exported["model"].export(target, **options)
    assert message in str(raised.value)
    assert not target.exists()


def test_calibration_data_without_quantize_is_an_error(exported: dict[str, Any], tmp_path: Path) -> None:
    with pytest.raises(oi.errors.OneirosError, match="calibration_data is used only with quantize"):
        exported["model"].export(tmp_path / "bad.onnx", calibration_data=np.zeros((4, 28, 28, 1), np.float32))


def test_a_poorly_calibrated_int8_model_warns(tmp_path: Path) -> None:
    """One calibration row 10^5 times larger than the rest stretches the input's 8-bit range so far
    that every other row quantizes to zeros: the top class stops following the input."""
    rng = np.random.default_rng(0)
    with oi.backend_scope("numpy"):
        model = oi.Sequential([layers.Input((16,)), layers.Dense(10)])
        model.set_weights([rng.normal(size=(16, 10)).astype(np.float32), np.zeros(10, np.float32)])
    rows = rng.normal(size=(200, 16)).astype(np.float32)
    rows[0] *= 1e5
    with pytest.warns(QuantizationWarning, match=r"agrees with float32 on the top class of only"):
        model.export(tmp_path / "poor.onnx", quantize="int8", calibration_data=rows)
    assert float(_metadata(tmp_path / "poor.onnx")["oneiros_top1_agreement"]) < 0.5


def _oneiros_export(*args: str) -> subprocess.CompletedProcess:
    # The numpy backend loads the model without importing an engine: the export traces it on onnx.
    return subprocess.run([sys.executable, "-m", "oneiros.cli", "export", *args], capture_output=True, text=True,
                          timeout=300, env={**os.environ, "ONEIROS_BACKEND": "numpy"})


def test_the_command_line_exports_static_int8_for_files_and_pages(exported: dict[str, Any],
                                                                  digits: dict[str, np.ndarray]) -> None:
    folder, calibration = exported["folder"], str(exported["folder"] / "calibration.npy")
    done = _oneiros_export(str(exported["saved"]), str(folder / "cli.onnx"), "--quantize", "int8",
                           "--calibration", calibration)
    assert done.returncode == 0, done.stderr
    np.testing.assert_array_equal(_run(folder / "cli.onnx", digits["x_test"][:200]),
                                  exported["outputs"]["static"][:200])
    done = _oneiros_export("--web", str(folder / "site"), str(exported["saved"]), "--quantize", "int8",
                           "--calibration", calibration)
    assert done.returncode == 0, done.stderr
    assert _metadata(folder / "site" / "model.onnx")["oneiros_quantize_method"] == "static"
    assert (folder / "site" / "model.json").is_file()


def test_the_command_line_refuses_calibration_without_quantize(exported: dict[str, Any]) -> None:
    folder = exported["folder"]
    done = _oneiros_export(str(exported["saved"]), str(folder / "x.onnx"), "--calibration",
                           str(folder / "calibration.npy"))
    assert done.returncode != 0 and "--calibration goes with --quantize" in done.stderr


def test_the_onnx_backend_serves_a_saved_model_in_int8(exported: dict[str, Any],
                                                       digits: dict[str, np.ndarray]) -> None:
    served = oi.load_model(exported["saved"], backend="onnx", quantize="int8",
                           calibration_data=digits["x_train"][:CALIBRATION_ROWS])
    x_test, y_test = digits["x_test"], digits["y_test"]
    probabilities = served.predict(x_test, batch_size=128)
    np.testing.assert_allclose(probabilities, exported["outputs"]["static"], atol=1e-6)
    assert served.metadata["oneiros_quantize_method"] == "static"
    logs = served.evaluate(x_test, y_test, batch_size=128, verbose=0, return_dict=True)
    # int8 probabilities sum to 1 only within quantization steps; the loss, as Keras's, renormalizes them.
    picked = probabilities[np.arange(len(y_test)), y_test] / probabilities.astype(np.float64).sum(-1)
    assert logs["accuracy"] == pytest.approx(np.mean(probabilities.argmax(-1) == y_test), abs=1e-6)
    assert logs["loss"] == pytest.approx(-np.mean(np.log(np.clip(picked, 1e-7, 1.0))), rel=1e-4)


def test_any_onnx_file_predicts_and_evaluates_like_a_model(exported: dict[str, Any],
                                                            digits: dict[str, np.ndarray]) -> None:
    from oneiros_onnx import load_onnx

    model = load_onnx(exported["paths"]["dynamic"])
    # Dynamic int8 scales each batch by its own range: batches as the fixture's (256 rows) give its outputs.
    x_test, y_test, expected = digits["x_test"][:600], digits["y_test"][:600], exported["outputs"]["dynamic"][:600]
    np.testing.assert_array_equal(model.predict(x_test, batch_size=256, steps=1), expected[:256])
    # Its rows do not run alike apart, so predict keeps whole batches (run two at a time).
    np.testing.assert_array_equal(model.predict(x_test, batch_size=256)[:512], expected[:512])
    with pytest.raises(RuntimeError, match="is not compiled"):
        model.evaluate(x_test, y_test)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    loss, accuracy = model.evaluate(x_test, y_test, batch_size=256, verbose=0)
    assert accuracy == pytest.approx(np.mean(expected.argmax(-1) == y_test), abs=1e-6)
    logs = model.evaluate(x_test, y_test, batch_size=256, steps=1, verbose=0, return_dict=True)
    assert logs["accuracy"] == pytest.approx(np.mean(expected[:256].argmax(-1) == y_test[:256]), abs=1e-6)
    assert np.isfinite(loss)


def test_backends_without_quantized_serving_say_so(exported: dict[str, Any]) -> None:
    with pytest.raises(oi.errors.CapabilityError, match="quantized serving"):
        oi.load_model(exported["saved"], backend="numpy", quantize="int8")
    with pytest.raises(ValueError, match="calibration_data is used only with quantize"):
        oi.load_model(exported["saved"], backend="onnx", calibration_data=np.zeros((2, 28, 28, 1), np.float32))
    with pytest.raises(QuantizationError, match="received 'int3'"):
        oi.load_model(exported["saved"], backend="onnx", quantize="int3")
