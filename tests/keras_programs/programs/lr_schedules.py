"""keras-io API guide: Learning rate schedules (https://keras.io/api/optimizers/learning_rate_schedules/)
with the LearningRateScheduler callback (https://keras.io/api/callbacks/learning_rate_scheduler/).

Built-in schedules evaluated step by step, a schedule driving an optimizer through fit (its
iteration count and current rate), a custom LearningRateSchedule subclass, and a per-epoch
LearningRateScheduler whose rates appear in the History.
"""
import numpy as np
from sklearn.datasets import load_breast_cancer

import keras
from keras import layers, ops

from _report import report, seed_and_describe

keras.utils.set_random_seed(0)  # dropout and shuffling draw the same numbers every run

schedules = {
    "exponential": keras.optimizers.schedules.ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5),
    "staircase": keras.optimizers.schedules.ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5, staircase=True),
    "piecewise": keras.optimizers.schedules.PiecewiseConstantDecay([5, 15], [0.1, 0.05, 0.01]),
    "cosine": keras.optimizers.schedules.CosineDecay(0.1, decay_steps=20, alpha=0.1),
    "warmup_cosine": keras.optimizers.schedules.CosineDecay(0.0, decay_steps=20, warmup_target=0.1, warmup_steps=5),
    "inverse_time": keras.optimizers.schedules.InverseTimeDecay(0.1, decay_steps=10, decay_rate=1.0),
    "polynomial": keras.optimizers.schedules.PolynomialDecay(0.1, decay_steps=20, end_learning_rate=0.01, power=2.0),
}
for name, schedule in schedules.items():
    report("close", f"{name}_rates", [float(schedule(step)) for step in (0, 1, 5, 10, 15, 25)])


class HalvingEvery(keras.optimizers.schedules.LearningRateSchedule):
    def __init__(self, initial, period):
        self.initial, self.period = initial, period

    def __call__(self, step):
        return self.initial * ops.power(0.5, ops.floor(ops.cast(step, "float32") / self.period))

    def get_config(self):
        return {"initial": self.initial, "period": self.period}


data = load_breast_cancer()
x = ((data.data - data.data.mean(axis=0)) / data.data.std(axis=0)).astype("float32")
y = data.target.astype("float32")[:, None]


def classifier(name, learning_rate):
    model = keras.Sequential([keras.Input((30,)), layers.Dense(8, activation="relu"), layers.Dense(1, activation="sigmoid")])
    seed_and_describe(model, prefix=name)
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=learning_rate, momentum=0.5), loss="binary_crossentropy")
    return model


model = classifier("scheduled", keras.optimizers.schedules.ExponentialDecay(0.1, decay_steps=5, decay_rate=0.5))
history = model.fit(x, y, batch_size=64, epochs=3, shuffle=False, verbose=0)
report("trained", "scheduled_loss", history.history["loss"])
report("exact", "iterations", int(model.optimizer.iterations))
report("close", "current_rate", float(model.optimizer.learning_rate))

model = classifier("custom_schedule", HalvingEvery(0.2, period=9))
history = model.fit(x, y, batch_size=64, epochs=3, shuffle=False, verbose=0)
report("trained", "custom_schedule_loss", history.history["loss"])
report("close", "custom_schedule_rate", float(model.optimizer.learning_rate))

model = classifier("per_epoch", 0.1)
callback = keras.callbacks.LearningRateScheduler(lambda epoch, lr: lr if epoch < 1 else lr * 0.5)
history = model.fit(x, y, batch_size=64, epochs=3, shuffle=False, verbose=0, callbacks=[callback])
report("exact", "per_epoch_keys", sorted(history.history))
report("close", "per_epoch_rates", history.history["learning_rate"])
report("trained", "per_epoch_loss", history.history["loss"])
