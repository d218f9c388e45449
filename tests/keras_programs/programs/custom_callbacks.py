"""keras-io guide: Writing your own callbacks (https://keras.io/guides/writing_your_own_callbacks/).

A callback that records which hooks run with which log keys, one that stops training when the
loss stops improving and restores the best weights, and one that sets the learning rate per
epoch, around fit, evaluate and predict of a small regression model.
"""
import numpy as np

import keras
from keras import layers

from _report import report, seed_and_describe

keras.utils.set_random_seed(0)  # dropout and shuffling draw the same numbers every run


class HookRecorder(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.calls = []

    def _record(self, hook, logs):
        self.calls.append(f"{hook}:{','.join(sorted(logs or {}))}:{logs is None}")

    def on_train_begin(self, logs=None):
        self._record("train_begin", logs)

    def on_train_end(self, logs=None):
        self._record("train_end", logs)

    def on_epoch_begin(self, epoch, logs=None):
        self._record(f"epoch_begin{epoch}", logs)

    def on_epoch_end(self, epoch, logs=None):
        self._record(f"epoch_end{epoch}", logs)

    def on_train_batch_end(self, batch, logs=None):
        self._record(f"train_batch_end{batch}", logs)

    def on_test_begin(self, logs=None):
        self._record("test_begin", logs)

    def on_test_end(self, logs=None):
        self._record("test_end", logs)

    def on_predict_begin(self, logs=None):
        self._record("predict_begin", logs)

    def on_predict_batch_end(self, batch, logs=None):
        self._record(f"predict_batch_end{batch}", logs)

    def on_predict_end(self, logs=None):
        self._record("predict_end", logs)


class StopAtMinimum(keras.callbacks.Callback):
    def __init__(self, patience=0):
        super().__init__()
        self.patience = patience

    def on_train_begin(self, logs=None):
        self.wait, self.best, self.best_weights, self.stopped_epoch = 0, np.inf, None, 0

    def on_epoch_end(self, epoch, logs=None):
        if logs["loss"] < self.best:
            self.best, self.wait, self.best_weights = logs["loss"], 0, self.model.get_weights()
        else:
            self.wait += 1
            if self.wait > self.patience:
                self.stopped_epoch = epoch
                self.model.stop_training = True
                self.model.set_weights(self.best_weights)


class EpochLearningRate(keras.callbacks.Callback):
    def __init__(self, rates):
        super().__init__()
        self.rates, self.seen = rates, []

    def on_epoch_begin(self, epoch, logs=None):
        self.model.optimizer.learning_rate = self.rates[epoch]
        self.seen.append(float(np.asarray(self.model.optimizer.learning_rate)))


rng = np.random.default_rng(0)
x = rng.normal(size=(96, 4)).astype("float32")
y = (x @ np.array([[1.0], [-2.0], [0.5], [0.0]], "float32")).astype("float32")


def regressor(name, learning_rate=0.05):
    model = keras.Sequential([keras.Input((4,)), layers.Dense(8, activation="relu"), layers.Dense(1)])
    seed_and_describe(model, prefix=name)
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=learning_rate), loss="mse", metrics=["mae"])
    return model


recorder = HookRecorder()
model = regressor("recorded")
model.fit(x, y, batch_size=48, epochs=2, validation_data=(x[:48], y[:48]), shuffle=False, verbose=0,
          callbacks=[recorder])
model.evaluate(x, y, batch_size=48, verbose=0, callbacks=[recorder])
model.predict(x, batch_size=48, verbose=0, callbacks=[recorder])
report("exact", "hooks", recorder.calls)

stopper = StopAtMinimum()
model = regressor("stopped", learning_rate=0.35)
history = model.fit(x, y, batch_size=96, epochs=30, shuffle=False, verbose=0, callbacks=[stopper])
report("exact", "stopped_epoch", stopper.stopped_epoch)
report("trained", "stopper_losses", history.history["loss"])
report("trained", "restored_loss", model.evaluate(x, y, verbose=0))

scheduler = EpochLearningRate([0.1, 0.01, 0.001])
model = regressor("scheduled")
history = model.fit(x, y, batch_size=32, epochs=3, shuffle=False, verbose=0, callbacks=[scheduler])
report("close", "rates_seen", scheduler.seen)
report("trained", "scheduled_losses", history.history["loss"])
