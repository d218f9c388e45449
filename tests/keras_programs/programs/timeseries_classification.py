"""keras-io example: Timeseries classification from scratch
(https://keras.io/examples/timeseries/timeseries_classification_from_scratch/).

A fully convolutional network (Conv1D, BatchNormalization, ReLU, global average pooling) on
synthetic univariate series of two classes (noisy sines of two frequencies, standing in
for FordA), trained with ModelCheckpoint, ReduceLROnPlateau and EarlyStopping, best model reloaded.
"""
import os
import tempfile

import numpy as np

import keras
from keras import layers

from _data import noisy_sines
from _report import report, seed_and_describe

keras.utils.set_random_seed(0)  # dropout and shuffling draw the same numbers every run

rng = np.random.default_rng(0)
x_train, y_train = noisy_sines(320, 96, rng)
x_test, y_test = noisy_sines(80, 96, rng)
num_classes = len(np.unique(y_train))


def make_model(input_shape):
    input_layer = keras.layers.Input(input_shape)
    x = input_layer
    for _ in range(3):
        x = layers.Conv1D(filters=16, kernel_size=3, padding="same")(x)
        x = layers.BatchNormalization()(x)
        x = layers.ReLU()(x)
    gap = layers.GlobalAveragePooling1D()(x)
    output_layer = layers.Dense(num_classes, activation="softmax")(gap)
    return keras.Model(inputs=input_layer, outputs=output_layer)


model = make_model(input_shape=x_train.shape[1:])
report("exact", "non_trainable_count", len(model.non_trainable_weights))
seed_and_describe(model)
report("close", "initial_probabilities", model.predict(x_test[:3], verbose=0))

with tempfile.TemporaryDirectory() as directory:
    best_path = os.path.join(directory, "best_model.keras")
    callbacks = [
        keras.callbacks.ModelCheckpoint(best_path, save_best_only=True, monitor="val_loss"),
        keras.callbacks.ReduceLROnPlateau(monitor="val_loss", factor=0.5, patience=1, min_lr=1e-4),
        keras.callbacks.EarlyStopping(monitor="val_loss", patience=3, verbose=0),
    ]
    model.compile(optimizer=keras.optimizers.Adam(1e-2), loss="sparse_categorical_crossentropy",
                  metrics=["sparse_categorical_accuracy"])
    history = model.fit(x_train, y_train, batch_size=32, epochs=6, callbacks=callbacks, validation_split=0.2,
                        shuffle=False, verbose=0)
    report("exact", "history_keys", sorted(history.history))
    report("trained", "loss", history.history["loss"])
    report("trained", "val_loss", history.history["val_loss"])
    report("trained", "learning_rate", history.history["learning_rate"])
    best = keras.models.load_model(best_path)
    test_loss, test_acc = best.evaluate(x_test, y_test, verbose=0)
report("trained", "best_test_loss", test_loss)
report("loose", "best_test_accuracy", test_acc)
report("trained", "moving_mean", model.layers[2].moving_mean)
