"""keras-io guide: Save, serialize, and export models (https://keras.io/guides/serialization_and_saving/).

A model with a registered custom layer and a custom activation saved whole to a .keras file and
loaded back, its architecture as a config and as JSON, its weights alone in a .weights.h5
file, a clone, and custom objects passed explicitly or through a scope.
"""
import os
import tempfile

import numpy as np

import keras
from keras import layers, ops

from _report import report, seed_and_describe

keras.utils.set_random_seed(0)  # dropout and shuffling draw the same numbers every run


@keras.saving.register_keras_serializable(package="programs")
class Scale(layers.Layer):
    def __init__(self, factor=2.0, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor

    def call(self, inputs):
        return inputs * self.factor

    def get_config(self):
        return {**super().get_config(), "factor": self.factor}


def soft_sign_squared(x):
    return ops.square(x / (1.0 + ops.abs(x)))


def build():
    inputs = keras.Input((6,), name="features")
    hidden = layers.Dense(8, activation=soft_sign_squared, name="hidden")(inputs)
    outputs = layers.Dense(2, name="out")(Scale(0.5, name="scale")(hidden))
    return keras.Model(inputs, outputs, name="saved_model")


rng = np.random.default_rng(0)
x = rng.normal(size=(64, 6)).astype("float32")
y = rng.normal(size=(64, 2)).astype("float32")
custom = {"soft_sign_squared": soft_sign_squared}

model = build()
seed_and_describe(model)
model.compile(optimizer="adam", loss="mse")
model.fit(x, y, batch_size=16, epochs=2, shuffle=False, verbose=0)
expected = model.predict(x[:4], verbose=0)
report("trained", "predictions", expected)
report("exact", "registered_name", keras.saving.get_registered_name(Scale))

with tempfile.TemporaryDirectory() as directory:
    path = os.path.join(directory, "model.keras")
    model.save(path)
    loaded = keras.models.load_model(path, custom_objects=custom)
    report("close", "loaded_difference", np.max(np.abs(loaded.predict(x[:4], verbose=0) - expected)))
    report("exact", "loaded_layers", [layer.name for layer in loaded.layers])
    report("exact", "loaded_scale_factor", loaded.get_layer("scale").factor)
    report("exact", "optimizer_restored", loaded.optimizer is not None)
    report("trained", "loaded_evaluate", loaded.evaluate(x, y, verbose=0))

    weights_path = os.path.join(directory, "only.weights.h5")
    model.save_weights(weights_path)
    fresh = build()
    fresh.load_weights(weights_path)
    report("close", "weights_difference", np.max(np.abs(fresh.predict(x[:4], verbose=0) - expected)))

    with keras.saving.custom_object_scope(custom):
        from_config = keras.Model.from_config(model.get_config())
        from_json = keras.models.model_from_json(model.to_json())
        cloned = keras.models.clone_model(model)
    report("exact", "config_params", [from_config.count_params(), from_json.count_params()])
    report("exact", "config_output_shape", from_json.output_shape)

report("exact", "clone_shapes", [tuple(w.shape) for w in cloned.weights])
cloned.set_weights(model.get_weights())
report("close", "clone_difference", np.max(np.abs(cloned.predict(x[:4], verbose=0) - expected)))
serialized = keras.saving.serialize_keras_object(Scale(3.0, name="s"))
report("exact", "serialized_factor", keras.saving.deserialize_keras_object(serialized).factor)
