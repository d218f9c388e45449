"""keras-io API guide: EarlyStopping and ModelCheckpoint callbacks
(https://keras.io/api/callbacks/early_stopping/, https://keras.io/api/callbacks/model_checkpoint/).

An over-fitting digits classifier trained with EarlyStopping (patience, restore_best_weights),
a ModelCheckpoint writing one .keras file per epoch from a formatted name, and a weights-only
checkpoint of the best epoch; the files written, the epoch it stopped at, and models loaded
back from the checkpoints.
"""
import os
import tempfile

import numpy as np
from sklearn.datasets import load_digits

import keras
from keras import layers

from _report import report, seed_and_describe

keras.utils.set_random_seed(0)  # dropout and shuffling draw the same numbers every run

digits = load_digits()
x = (digits.data / 16.0).astype("float32")
y = digits.target.astype("int32")
x_train, y_train, x_val, y_val = x[:60], y[:60], x[1000:1400], y[1000:1400]


def build():
    return keras.Sequential([keras.Input((64,)), layers.Dense(128, activation="relu"), layers.Dense(10)])


model = build()
seed_and_describe(model)
model.compile(optimizer=keras.optimizers.Adam(2e-2),
              loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])

with tempfile.TemporaryDirectory() as directory:
    stopper = keras.callbacks.EarlyStopping(monitor="val_loss", patience=2, restore_best_weights=True)
    every_epoch = keras.callbacks.ModelCheckpoint(os.path.join(directory, "model_{epoch:02d}.keras"))
    best_only = keras.callbacks.ModelCheckpoint(os.path.join(directory, "best.weights.h5"), monitor="val_accuracy",
                                                mode="max", save_best_only=True, save_weights_only=True)
    history = model.fit(x_train, y_train, batch_size=20, epochs=15, validation_data=(x_val, y_val), shuffle=False,
                        verbose=0, callbacks=[stopper, every_epoch, best_only])
    report("trained", "val_loss", history.history["val_loss"])
    report("exact", "epochs_run", len(history.history["loss"]))
    report("exact", "stopped_epoch", stopper.stopped_epoch)
    report("exact", "best_epoch", stopper.best_epoch)
    report("exact", "files", sorted(os.listdir(directory)))
    best_val_loss = min(history.history["val_loss"])
    report("trained", "restored_val_loss", model.evaluate(x_val, y_val, verbose=0)[0])
    report("trained", "best_val_loss", best_val_loss)

    second = keras.models.load_model(os.path.join(directory, "model_02.keras"))
    report("trained", "epoch_two_val_loss", second.evaluate(x_val, y_val, verbose=0)[0])
    best = build()
    best.load_weights(os.path.join(directory, "best.weights.h5"))
    accuracy = np.mean(np.argmax(best.predict(x_val, verbose=0), axis=-1) == y_val)
    report("trained", "best_weights_accuracy", accuracy)
    report("trained", "best_val_accuracy", max(history.history["val_accuracy"]))
