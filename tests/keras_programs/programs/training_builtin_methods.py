"""keras-io guide: Training & evaluation with the built-in methods
(https://keras.io/guides/training_with_built_in_methods/).

fit/evaluate/predict on numpy data with validation_data, losses and metrics by name and by
object, class weights and the sample weights that give the same training, and History.
"""
import numpy as np
from sklearn.datasets import load_digits

import keras
from keras import layers

from _report import report, seed_and_describe

keras.utils.set_random_seed(0)  # dropout and shuffling draw the same numbers every run

digits = load_digits()
x = (digits.data / 16.0).astype("float32")
y = digits.target.astype("int32")
x_train, y_train, x_val, y_val, x_test, y_test = x[:1000], y[:1000], x[1000:1300], y[1000:1300], x[1300:], y[1300:]


def get_uncompiled_model():
    inputs = keras.Input(shape=(64,), name="digits")
    x = layers.Dense(32, activation="relu", name="dense_1")(inputs)
    x = layers.Dense(32, activation="relu", name="dense_2")(x)
    outputs = layers.Dense(10, activation="softmax", name="predictions")(x)
    return keras.Model(inputs=inputs, outputs=outputs)


def get_compiled_model(name, **compile_args):
    model = get_uncompiled_model()
    seed_and_describe(model, prefix=name)
    model.compile(optimizer=keras.optimizers.RMSprop(learning_rate=1e-3), **compile_args)
    return model


def fit_and_report(name, model, **fit_args):
    history = model.fit(x_train, y_train, batch_size=64, epochs=2, shuffle=False, verbose=0, **fit_args)
    report("exact", f"{name}_history_keys", sorted(history.history))
    report("trained", f"{name}_history", history.history)
    report("trained", f"{name}_evaluate", model.evaluate(x_test, y_test, batch_size=128, verbose=0))


model = get_compiled_model("plain", loss=keras.losses.SparseCategoricalCrossentropy(),
                           metrics=[keras.metrics.SparseCategoricalAccuracy()])
fit_and_report("plain", model, validation_data=(x_val, y_val))
predictions = model.predict(x_test[:3], verbose=0)
report("exact", "prediction_shape", predictions.shape)
report("trained", "predictions", predictions)


model = get_compiled_model("class_weight", loss="sparse_categorical_crossentropy",
                           metrics=["sparse_categorical_accuracy"])
fit_and_report("class_weight", model, class_weight={i: (2.0 if i == 5 else 1.0) for i in range(10)})

sample_weight = np.ones(shape=(len(y_train),), dtype="float32")
sample_weight[y_train == 5] = 2.0
model = get_compiled_model("sample_weight", loss="sparse_categorical_crossentropy",
                           metrics=["sparse_categorical_accuracy"])
fit_and_report("sample_weight", model, sample_weight=sample_weight)
