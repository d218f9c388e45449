"""Custom objects without a package (issue 16 item 5) and the Keras saving names (item 2),
against Keras's documented behaviour and Keras's own serialized form."""

from __future__ import annotations

import os

import numpy as np
import pytest

os.environ.setdefault("KERAS_BACKEND", "jax")

import oneiros as oi  # noqa: E402
from oneiros import layers, ops  # noqa: E402
from oneiros.errors import ModelFileError, UnknownNameError  # noqa: E402


@oi.saving.register_keras_serializable(package="oneiros_tests")
class Scale(oi.layers.Layer):
    """Multiplies by a learned vector (a custom layer, as keras-io's guides write them)."""

    def __init__(self, factor: float = 2.0, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor

    def build(self, input_shape):
        self.scale = self.add_weight(name="scale", shape=(input_shape[-1],), initializer="ones")

    def call(self, inputs):
        return ops.multiply(ops.multiply(inputs, self.scale), self.factor)

    def get_config(self):
        return {**super().get_config(), "factor": self.factor}


@oi.saving.register_serializable(package="oneiros_tests", name="doubled")
def doubled_relu(x):
    return ops.multiply(ops.relu(x), 2.0)


class Unregistered(Scale):
    pass


def _model(layer_class=Scale):
    model = oi.Sequential([layers.Input((3,)), layers.Dense(4, activation=doubled_relu), layer_class(3.0)])
    rng = np.random.default_rng(2)
    model.set_weights([rng.normal(size=w.shape).astype("float32") for w in model.get_weights()])
    return model


def test_registered_names_follow_keras():
    assert oi.saving.get_registered_name(Scale) == "oneiros_tests>Scale"
    assert oi.saving.get_registered_name(doubled_relu) == "oneiros_tests>doubled"
    assert oi.saving.get_registered_object("oneiros_tests>Scale") is Scale
    assert oi.saving.get_custom_objects()["oneiros_tests>doubled"] is doubled_relu
    assert oi.saving.get_registered_name(Unregistered) == "Unregistered"  # Keras: the plain __name__
    assert oi.activations.get("oneiros_tests>doubled") is doubled_relu
    assert oi.layers.get("oneiros_tests>Scale") is Scale


@pytest.mark.parametrize("suffix", [".oneiros", ".keras"])
def test_a_model_with_registered_custom_objects_round_trips(tmp_path, suffix):
    model = _model()
    x = np.random.default_rng(0).random((4, 3), dtype=np.float32)
    model.save(tmp_path / f"custom{suffix}")
    loaded = oi.load_model(tmp_path / f"custom{suffix}")
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), atol=1e-6)
    assert isinstance(loaded.layers[-1], Scale) and loaded.layers[-1].factor == 3.0


def test_custom_objects_passed_at_load_time_or_in_a_scope(tmp_path):
    model = _model()
    text = model.to_json().replace("oneiros_tests>Scale", "LocalScale")
    with pytest.raises(UnknownNameError, match="LocalScale"):
        oi.models.model_from_json(text)
    first = oi.models.model_from_json(text, custom_objects={"LocalScale": Scale})
    with oi.saving.custom_object_scope({"LocalScale": Scale}):
        second = oi.models.model_from_json(text)
    assert type(first.layers[-1]) is Scale and type(second.layers[-1]) is Scale
    assert oi.saving.get_registered_object("LocalScale") is None  # the scope ended


def test_an_unregistered_class_is_refused_with_its_name(tmp_path):
    with pytest.raises(oi.errors.OneirosError, match="Unregistered.*register_keras_serializable"):
        _model(Unregistered).save(tmp_path / "x.keras")


def test_a_keras_file_naming_an_unknown_registered_name_is_refused(tmp_path):
    model = _model()
    model.save(tmp_path / "m.keras")
    oi.saving.get_custom_objects().pop("oneiros_tests>Scale")
    try:
        with pytest.raises(ModelFileError, match="register_keras_serializable"):
            oi.load_model(tmp_path / "m.keras")
    finally:
        oi.saving.register_keras_serializable(package="oneiros_tests")(Scale)


def test_serialize_keras_object_matches_keras(tmp_path):
    keras = pytest.importorskip("keras")
    ours = oi.saving.serialize_keras_object(oi.layers.Dense(3, activation="relu", name="d"))
    theirs = keras.saving.serialize_keras_object(keras.layers.Dense(3, activation="relu", name="d"))
    assert {k: ours[k] for k in ("module", "class_name", "registered_name")} == \
        {k: theirs[k] for k in ("module", "class_name", "registered_name")}
    assert ours["config"]["units"] == theirs["config"]["units"] == 3
    rebuilt = oi.saving.deserialize_keras_object(theirs)  # Keras's own dict, with its DTypePolicy
    assert type(rebuilt).__name__ == "Dense" and rebuilt.units == 3 and rebuilt.name == "d"
    custom = oi.layers.serialize(Scale(5.0))
    assert (custom["class_name"], custom["registered_name"]) == ("Scale", "oneiros_tests>Scale")
    assert oi.layers.deserialize(custom).factor == 5.0
    initializer = oi.saving.deserialize_keras_object(keras.saving.serialize_keras_object(
        keras.initializers.RandomNormal(stddev=0.3)))
    assert type(initializer).__name__ == "RandomNormal" and initializer.get_config()["stddev"] == 0.3


def test_keras_saving_names_exist_where_keras_has_them(tmp_path):
    model = _model()
    oi.models.save_model(model, tmp_path / "m.keras")
    loaded = oi.models.load_model(tmp_path / "m.keras")
    assert [type(layer) for layer in loaded.layers] == [type(layer) for layer in model.layers]
    clone = oi.models.clone_model(model)
    assert [w.shape for w in clone.get_weights()] == [w.shape for w in model.get_weights()]
    assert not np.allclose(clone.get_weights()[0], model.get_weights()[0])  # fresh weights, as in Keras
    again = oi.models.model_from_json(model.to_json())
    assert [layer.get_config() for layer in again.layers[:-1]] == [layer.get_config() for layer in model.layers[:-1]]


def test_model_checkpoint_writes_keras_files(tmp_path):
    model = oi.Sequential([layers.Input((3,)), layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    x, y = np.ones((8, 3), "float32"), np.ones((8, 1), "float32")
    checkpoints = [oi.callbacks.ModelCheckpoint(str(tmp_path / "m_{epoch}.keras")),
                   oi.callbacks.ModelCheckpoint(str(tmp_path / "w_{epoch}.weights.h5"), save_weights_only=True)]
    model.fit(x, y, epochs=2, verbose=0, callbacks=checkpoints)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m_1.keras", "m_2.keras", "w_1.weights.h5",
                                                           "w_2.weights.h5"]
    np.testing.assert_allclose(oi.load_model(tmp_path / "m_2.keras").get_weights()[0], model.get_weights()[0])


@oi.saving.register_keras_serializable(package="oneiros_tests")
def halved_mse(y_true, y_pred):
    return ops.multiply(ops.mean(ops.square(ops.subtract(y_pred, y_true)), axis=-1), 0.5)


@oi.saving.register_keras_serializable(package="oneiros_tests")
class Spread(oi.initializers.Initializer):
    """Evenly spaced values from -limit to limit (a custom initializer)."""

    def __init__(self, limit: float = 1.0):
        self.limit = limit

    def __call__(self, shape, dtype=None):
        return ops.reshape(ops.linspace(-self.limit, self.limit, int(np.prod(shape))), shape)

    def get_config(self):
        return {"limit": self.limit}


@pytest.mark.parametrize("suffix", [".oneiros", ".keras"])
def test_custom_losses_and_initializers_are_saved_by_registered_name(tmp_path, suffix):
    assert oi.losses.get("oneiros_tests>halved_mse") is halved_mse
    assert isinstance(oi.initializers.get({"class_name": "oneiros_tests>Spread", "config": {"limit": 2.0}}), Spread)
    assert oi.initializers.serialize(Spread(2.0)) == {"class_name": "oneiros_tests>Spread", "config": {"limit": 2.0}}
    model = oi.Sequential([layers.Input((3,)), layers.Dense(2, kernel_initializer=Spread(0.5))])
    np.testing.assert_allclose(model.get_weights()[0].ravel(), np.linspace(-0.5, 0.5, 6), atol=1e-6)
    model.compile(optimizer="sgd", loss=halved_mse)
    model.save(tmp_path / f"custom_loss{suffix}")
    loaded = oi.load_model(tmp_path / f"custom_loss{suffix}")
    assert loaded.compiled.loss_spec is halved_mse
    assert isinstance(loaded.layers[0].kernel_initializer, Spread)
    x, y = np.ones((4, 3), "float32"), np.zeros((4, 2), "float32")
    expected = 0.5 * np.mean((model.predict(x, verbose=0) - y) ** 2)
    assert loaded.evaluate(x, y, verbose=0) == pytest.approx(expected, rel=1e-5)


def test_custom_activations_serialize_by_registered_name():
    assert oi.activations.serialize(doubled_relu) == "oneiros_tests>doubled"
    assert oi.activations.deserialize("oneiros_tests>doubled") is doubled_relu
    assert oi.activations.deserialize("local", custom_objects={"local": doubled_relu}) is doubled_relu
    assert oi.activations.deserialize(oi.saving.serialize_keras_object(doubled_relu)) is doubled_relu
    with pytest.raises(UnknownNameError, match="no_such_activation"):
        oi.activations.get("no_such_activation")


def test_clone_model_with_a_clone_function_as_keras():
    keras = pytest.importorskip("keras")

    def wider(layer):
        config = layer.get_config()
        if type(layer).__name__ == "Dense" and config["units"] == 4:
            config["units"] = 6
        return type(layer).from_config(config)

    first = layers.Input((3,))
    functional = oi.Model(first, layers.Dense(2)(layers.Dense(4)(first)))
    sequential = oi.Sequential([layers.Input((3,)), layers.Dense(4), layers.Dense(2)])
    k_first = keras.Input((3,))
    k_model = keras.Model(k_first, keras.layers.Dense(2)(keras.layers.Dense(4)(k_first)))
    k_clone = keras.models.clone_model(k_model, clone_function=wider)
    expected = [tuple(w.shape) for w in k_clone.get_weights()]
    for model in (functional, sequential):
        clone = oi.models.clone_model(model, clone_function=wider)
        assert [w.shape for w in clone.get_weights()] == expected == [(3, 6), (6,), (6, 2), (2,)]
    with pytest.raises(ValueError, match="subclassed"):
        oi.models.clone_model(Scale(), clone_function=wider)


def test_deserialize_never_imports_a_module_a_config_names(canary):
    from oneiros.errors import UnsafeConfigError

    for config in ({"module": "oneiros_canary_payload", "class_name": "Payload", "config": {}, "registered_name": None},
                   {"module": "os", "class_name": "function", "config": "system", "registered_name": None}):
        with pytest.raises(UnsafeConfigError, match="never imports"):
            oi.saving.deserialize_keras_object(config)
    canary.assert_untouched()
