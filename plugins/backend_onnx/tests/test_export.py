"""``model.export``: ONNX files that onnx.checker accepts and ONNX Runtime runs like jax predicts."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import numpy as np
import onnx
import onnxruntime as ort
import pytest

import oneiros as oi
from oneiros import layers, ops
from oneiros.errors import UnknownNameError
from oneiros_onnx import LoweringError, to_onnx
from oneiros_onnx._runtime import OPSET


@pytest.fixture(scope="module")
def functional() -> Any:
    with oi.backend_scope("jax"):
        image = oi.Input((6, 6, 2), name="image")
        extra = oi.Input((3,), name="extra")
        hidden = layers.Flatten()(layers.Conv2D(3, 3, activation="relu")(image))
        merged = layers.Concatenate()([hidden, layers.Dense(4)(extra)])
        return oi.Model([image, extra], [layers.Dense(2, activation="softmax", name="label")(merged),
                                         layers.Dense(1, name="score")(layers.Dropout(0.5)(merged))])


def _inputs(rows: int) -> list[np.ndarray]:
    rng = np.random.default_rng(rows)
    return [rng.random((rows, 6, 6, 2), dtype=np.float32), rng.random((rows, 3), dtype=np.float32)]


def test_file_runs_in_onnx_runtime_like_jax(functional: Any, tmp_path: Path) -> None:
    path = functional.export(tmp_path / "model.onnx")
    assert path == tmp_path / "model.onnx"
    proto = onnx.load(str(path))
    onnx.checker.check_model(proto, full_check=True)
    assert [(entry.domain, entry.version) for entry in proto.opset_import] == [("", OPSET)]
    metadata = {entry.key: entry.value for entry in proto.metadata_props}
    assert metadata["onnx_opset"] == str(OPSET) and metadata["oneiros_model"] == functional.name
    assert json.loads(metadata["oneiros_inputs"]) == [["image", [6, 6, 2], "float32"], ["extra", [3], "float32"]]
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    assert [value.name for value in session.get_inputs()] == ["image", "extra"]
    assert [value.name for value in session.get_outputs()] == ["label", "score"]
    assert [value.shape[0] for value in session.get_inputs() + session.get_outputs()] == ["batch"] * 4
    for rows in (1, 5):
        x = _inputs(rows)
        with oi.backend_scope("jax"):
            expected = functional.predict(x, verbose=0)
        got = session.run(None, {"image": x[0], "extra": x[1]})
        for actual, wanted in zip(got, expected):
            np.testing.assert_allclose(actual, wanted, rtol=1e-5, atol=1e-6)


def test_weights_are_named_initializers_and_dropout_vanishes(functional: Any) -> None:
    proto = to_onnx(functional)
    names = {tensor.name for tensor in proto.graph.initializer}
    assert {variable.path for variable in functional.trainable_weights} <= names
    assert not any("Dropout" in node.op_type or "Random" in node.op_type for node in proto.graph.node)


def test_format_argument_suffix_and_unknown_formats(functional: Any, tmp_path: Path) -> None:
    written = functional.export(tmp_path / "model.bin", format="onnx")
    onnx.checker.check_model(str(written))
    with pytest.raises(UnknownNameError, match="onnx"):
        functional.export(tmp_path / "model.coreml")
    with pytest.raises(ValueError, match="suffix"):
        functional.export(tmp_path / "model")


class _NumpyInside(layers.Layer):
    def call(self, inputs: Any) -> Any:
        return ops.convert_to_tensor(np.asarray(inputs) * 2)


class _SpectralNorm(layers.Layer):
    def call(self, inputs: Any) -> Any:
        return ops.multiply(inputs, ops.norm(inputs, ord=2, axis=(1, 2), keepdims=True))


@pytest.mark.parametrize(("layer", "op"), [(_NumpyInside, "numpy.asarray()"), (_SpectralNorm, "norm")])
def test_an_op_that_cannot_lower_names_layer_and_op(layer: type, op: str, tmp_path: Path) -> None:
    target = tmp_path / "model.onnx"
    target.write_bytes(b"previous")
    with oi.backend_scope("jax"):
        model = oi.Sequential([layers.Input((3, 3)), layers.Dense(3), layer(name="troublemaker")])
    with pytest.raises(LoweringError) as raised:
        model.export(target)
    message = str(raised.value)
    assert "'troublemaker'" in message and layer.__name__ in message and op in message, message
    assert target.read_bytes() == b"previous"
    assert os.listdir(tmp_path) == ["model.onnx"]


class _Subclassed(oi.Model):
    def __init__(self, **kwargs: Any):
        super().__init__(**kwargs)
        self.hidden = layers.Dense(4, activation="relu")
        self.out = layers.Dense(2)

    def call(self, inputs: Any) -> Any:
        return self.out(self.hidden(inputs))


def test_subclassed_model_exports_from_its_first_call(tmp_path: Path) -> None:
    with oi.backend_scope("jax"):
        model = _Subclassed()
        x = np.random.default_rng(0).random((3, 5), dtype=np.float32)
        expected = model.predict(x, verbose=0)
    path = model.export(tmp_path / "sub.onnx")
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    np.testing.assert_allclose(session.run(None, {"input": x})[0], expected, rtol=1e-5, atol=1e-6)


def test_unknown_sizes_need_an_input_signature(tmp_path: Path) -> None:
    with oi.backend_scope("jax"):
        model = oi.Sequential([layers.Input((None, 4)), layers.Dense(2)])
        x = np.random.default_rng(1).random((2, 5, 4), dtype=np.float32)
        expected = model.predict(x, verbose=0)
    with pytest.raises(oi.errors.OneirosError, match="input_signature"):
        model.export(tmp_path / "m.onnx")
    path = model.export(tmp_path / "m.onnx", input_signature=[((5, 4), "float32")])
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    np.testing.assert_allclose(session.run(None, {"input": x})[0], expected, rtol=1e-5, atol=1e-6)
