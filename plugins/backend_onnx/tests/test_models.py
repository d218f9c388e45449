"""Whole models on the onnx backend: predict and evaluate equal jax's; training is refused."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import oneiros as oi
from oneiros import layers
from oneiros.errors import CapabilityError


def _mlp() -> Any:
    return oi.Sequential([layers.Input((784,)), layers.Dense(512, activation="relu"),
                          layers.Dense(512, activation="relu"), layers.Dense(10, activation="softmax")])


def _convnet() -> Any:
    from oneiros_vision.models import mnist_convnet

    return mnist_convnet()


def _lstm_classifier() -> Any:
    return oi.Sequential([layers.Input((12,), dtype="int32"), layers.Embedding(50, 8, mask_zero=True),
                          layers.LSTM(16), layers.Dense(3, activation="softmax")])


def _gru_classifier() -> Any:
    return oi.Sequential([layers.Input((12,), dtype="int32"), layers.Embedding(50, 8),
                          layers.GRU(16, return_sequences=True), layers.GRU(8), layers.Dense(1, activation="sigmoid")])


def _transformer() -> Any:
    tokens = oi.Input((10,), dtype="int32")
    hidden = layers.PositionalEmbedding(10, 50, 16)(tokens)
    hidden = layers.TransformerEncoder(32, 4, dropout=0.1)(hidden)
    pooled = layers.GlobalAveragePooling1D()(hidden)
    return oi.Model(tokens, layers.Dense(2, activation="softmax")(layers.Dropout(0.2)(pooled)))


def _two_inputs_two_outputs() -> Any:
    image = oi.Input((8, 8, 1), name="image")
    extra = oi.Input((4,), name="extra")
    features = layers.Flatten()(layers.MaxPooling2D(2)(layers.Conv2D(4, 3, activation="relu")(image)))
    merged = layers.Concatenate()([features, layers.Dense(6, activation="tanh")(extra)])
    return oi.Model([image, extra], [layers.Dense(3, activation="softmax", name="label")(merged),
                                     layers.Dense(1, name="score")(merged)])


MODELS = {
    "mlp": (_mlp, [((784,), "float32")]),
    "convnet": (_convnet, [((28, 28, 1), "float32")]),
    "lstm": (_lstm_classifier, [((12,), "int32")]),
    "gru": (_gru_classifier, [((12,), "int32")]),
    "transformer": (_transformer, [((10,), "int32")]),
    "two-inputs-two-outputs": (_two_inputs_two_outputs, [((8, 8, 1), "float32"), ((4,), "float32")]),
}


def _inputs(name: str, rows: int, seed: int = 0) -> Any:
    rng = np.random.default_rng(seed)
    arrays = []
    for shape, dtype in MODELS[name][1]:
        if dtype == "int32":
            ids = rng.integers(1, 50, (rows, *shape)).astype("int32")
            ids[: rows // 2, -3:] = 0  # padding, masked where the model masks
            arrays.append(ids)
        else:
            arrays.append(rng.random((rows, *shape), dtype=np.float32))
    return arrays if len(arrays) > 1 else arrays[0]


@pytest.fixture(scope="module")
def models() -> dict[str, Any]:
    """The MLP is built on jax (its weights are jax arrays the onnx backend converts), the
    others on onnx (their weights initialised by its eager ops)."""
    built = {}
    for name, (factory, _) in MODELS.items():
        with oi.backend_scope("jax" if name == "mlp" else "onnx"):
            built[name] = factory()
    return built


@pytest.mark.parametrize("name", sorted(MODELS))
def test_predict_matches_jax(name: str, models: dict[str, Any], compare: Any, randomized: Any) -> None:
    model = models[name]
    randomized(model, seed=5)
    compare(model, _inputs(name, 8), label=name)


def test_evaluate_matches_jax(models: dict[str, Any]) -> None:
    model = models["two-inputs-two-outputs"]
    model.compile(optimizer="adam", loss=["sparse_categorical_crossentropy", "mse"],
                  metrics=[["sparse_categorical_accuracy"], ["mae"]])
    x = _inputs("two-inputs-two-outputs", 20, seed=1)
    rng = np.random.default_rng(2)
    y = [rng.integers(0, 3, 20).astype("int32"), rng.normal(size=(20, 1)).astype("float32")]
    with oi.backend_scope("jax"):
        expected = model.evaluate(x, y, batch_size=8, verbose=0, return_dict=True)
    with oi.backend_scope("onnx"):
        got = model.evaluate(x, y, batch_size=8, verbose=0, return_dict=True)
    assert list(got) == list(expected)
    np.testing.assert_allclose([got[key] for key in got], [expected[key] for key in expected], rtol=1e-5)


def test_fit_raises_the_capability_error(models: dict[str, Any]) -> None:
    model = models["mlp"]
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    x = np.zeros((4, 784), np.float32)
    y = np.zeros(4, np.int32)
    with oi.backend_scope("onnx"), pytest.raises(CapabilityError, match="trainable"):
        model.fit(x, y, epochs=1, verbose=0)


def test_new_weights_rebuild_the_session(models: dict[str, Any]) -> None:
    model = models["two-inputs-two-outputs"]
    score = model.get_layer("score")
    x = _inputs("two-inputs-two-outputs", 3)
    with oi.backend_scope("onnx"):
        before = model.predict(x, verbose=0)[1]
        kernel, bias = score.get_weights()
        score.set_weights([kernel * 2, bias + 1])
        after = model.predict(x, verbose=0)[1]
    with oi.backend_scope("jax"):
        expected = model.predict(x, verbose=0)[1]
    assert not np.allclose(before, after)
    np.testing.assert_allclose(after, expected, rtol=1e-5, atol=1e-6)


def test_load_model_onto_onnx(models: dict[str, Any], tmp_path: Any) -> None:
    model = models["lstm"]
    x = _inputs("lstm", 5)
    with oi.backend_scope("jax"):
        expected = model.predict(x, verbose=0)
        model.save(tmp_path / "lstm.oneiros")
    loaded = oi.load_model(tmp_path / "lstm.oneiros", backend="onnx")
    assert loaded.backend == "onnx"
    np.testing.assert_allclose(loaded.predict(x, verbose=0), expected, rtol=1e-5, atol=1e-7)
