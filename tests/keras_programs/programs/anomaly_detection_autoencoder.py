"""keras-io example: Timeseries anomaly detection using an Autoencoder
(https://keras.io/examples/timeseries/timeseries_anomaly_detection/).

A convolutional autoencoder (strided Conv1D down, Conv1DTranspose up, padding "same", Dropout)
trained on windows of a synthetic daily-cycle series normalised with the training statistics;
the largest training reconstruction MAE is the threshold, and the windows and points of a test
series with injected spikes above it are counted as anomalies.
"""
import numpy as np

import keras
from keras import layers

from _report import report, seed_and_describe

keras.utils.set_random_seed(0)  # dropout and shuffling draw the same numbers every run

TIME_STEPS = 48
rng = np.random.default_rng(0)


def daily_cycle(length):
    """A smooth periodic signal with one cycle every TIME_STEPS points, plus small noise."""
    t = np.arange(length)
    return 20 + 5 * np.sin(2 * np.pi * t / TIME_STEPS) + rng.normal(0, 0.4, size=length)


train_values = daily_cycle(1200)
test_values = daily_cycle(600)
spikes = [150, 151, 152, 400, 401]
test_values[spikes] += 30.0  # about 8 standard deviations: every window holding one stands out

training_mean, training_std = train_values.mean(), train_values.std()
normalized_train = ((train_values - training_mean) / training_std)[:, None]
normalized_test = ((test_values - training_mean) / training_std)[:, None]


def create_sequences(values, time_steps=TIME_STEPS):
    return np.stack([values[i: i + time_steps] for i in range(len(values) - time_steps + 1)]).astype("float32")


x_train = create_sequences(normalized_train)
x_test = create_sequences(normalized_test)
report("exact", "sequence_shapes", [x_train.shape, x_test.shape])

model = keras.Sequential([
    layers.Input(shape=(x_train.shape[1], x_train.shape[2])),
    layers.Conv1D(filters=16, kernel_size=7, padding="same", strides=2, activation="relu"),
    layers.Dropout(rate=0.2),
    layers.Conv1D(filters=8, kernel_size=7, padding="same", strides=2, activation="relu"),
    layers.Conv1DTranspose(filters=8, kernel_size=7, padding="same", strides=2, activation="relu"),
    layers.Dropout(rate=0.2),
    layers.Conv1DTranspose(filters=16, kernel_size=7, padding="same", strides=2, activation="relu"),
    layers.Conv1DTranspose(filters=1, kernel_size=7, padding="same"),
])
model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.001), loss="mse")
report("exact", "layer_output_shapes", [list(layer.output.shape) for layer in model.layers])
seed_and_describe(model)
report("close", "initial_reconstruction", model.predict(x_test[:2], verbose=0)[:, :6, 0])
report("close", "initial_test_loss", model.evaluate(x_test, x_test, verbose=0))

history = model.fit(
    x_train, x_train, epochs=8, batch_size=64, validation_split=0.1, shuffle=False, verbose=0,
    callbacks=[keras.callbacks.EarlyStopping(monitor="val_loss", patience=3, mode="min")],
)
# Dropout draws its masks from each framework's own random streams: training losses differ a little
report("exact", "history_keys", sorted(history.history))
report("loose", "loss", history.history["loss"])
report("loose", "val_loss", history.history["val_loss"])

x_train_pred = model.predict(x_train, verbose=0)
train_mae_loss = np.mean(np.abs(x_train_pred - x_train), axis=1)
threshold = np.max(train_mae_loss)
report("loose", "threshold", float(threshold))

x_test_pred = model.predict(x_test, verbose=0)
test_mae_loss = np.mean(np.abs(x_test_pred - x_test), axis=1).reshape((-1))
anomalies = test_mae_loss > threshold
report("loose", "anomalous_windows", int(np.sum(anomalies)))

# A point is anomalous when every window that holds it is
anomalous_points = [
    index for index in range(TIME_STEPS - 1, len(test_values) - TIME_STEPS + 1)
    if np.all(anomalies[index - TIME_STEPS + 1: index])
]
report("loose", "anomalous_point_count", len(anomalous_points))
report("exact", "spikes_found", bool(np.any(anomalies[max(0, spikes[0] - TIME_STEPS + 1): spikes[0] + 1])))
