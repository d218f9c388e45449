"""keras-io example: Timeseries forecasting for weather prediction
(https://keras.io/examples/timeseries/timeseries_weather_forecasting/).

Synthetic hourly weather (temperature with daily and slow cycles, pressure, humidity, wind,
standing in for the Jena climate record) normalised with the training split's statistics;
windows of the past made with keras.preprocessing.timeseries_dataset_from_array (a sampling
rate, targets some steps ahead), an LSTM regressor trained with ModelCheckpoint and
EarlyStopping, the best weights reloaded, and predictions for a few validation batches.
"""
import os
import tempfile

import numpy as np

import keras

from _report import report, seed_and_describe

keras.utils.set_random_seed(0)  # dropout and shuffling draw the same numbers every run

rng = np.random.default_rng(0)
hours = np.arange(2400)
temperature = 10 + 6 * np.sin(2 * np.pi * hours / 24) + 4 * np.sin(2 * np.pi * hours / 400) + rng.normal(0, 0.5, 2400)
pressure = 1000 + 5 * np.cos(2 * np.pi * hours / 400) + rng.normal(0, 0.3, 2400)
humidity = 70 - 2 * (temperature - 10) + rng.normal(0, 2, 2400)
wind = np.abs(rng.normal(3, 1, 2400))
features = np.stack([pressure, temperature, humidity, wind], axis=1)

split_fraction = 0.75
train_split = int(split_fraction * len(features))
step = 2
past = 48
future = 6
batch_size = 64


def normalize(data, train_split):
    data_mean = data[:train_split].mean(axis=0)
    data_std = data[:train_split].std(axis=0)
    return (data - data_mean) / data_std


features = normalize(features, train_split).astype("float32")
train_data, val_data = features[:train_split], features[train_split:]

start = past + future
end = start + train_split
x_train = train_data
y_train = features[start:end, 1:2]
sequence_length = int(past / step)

dataset_train = keras.preprocessing.timeseries_dataset_from_array(
    x_train, y_train, sequence_length=sequence_length, sampling_rate=step, batch_size=batch_size)

x_end = len(val_data) - past - future
label_start = train_split + past + future
x_val = val_data[:x_end]
y_val = features[label_start:, 1:2]
dataset_val = keras.preprocessing.timeseries_dataset_from_array(
    x_val, y_val, sequence_length=sequence_length, sampling_rate=step, batch_size=batch_size)

for batch in dataset_train.take(1):
    inputs, targets = batch
report("exact", "batch_shapes", [list(inputs.shape), list(targets.shape)])
report("close", "first_window", np.asarray(inputs)[1, :3])
report("close", "first_targets", np.asarray(targets)[:3, 0])

inputs = keras.layers.Input(shape=(inputs.shape[1], inputs.shape[2]))
lstm_out = keras.layers.LSTM(16)(inputs)
outputs = keras.layers.Dense(1)(lstm_out)
model = keras.Model(inputs=inputs, outputs=outputs)
model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.001), loss="mse")
seed_and_describe(model)
report("close", "initial_val_loss", model.evaluate(dataset_val, verbose=0))

with tempfile.TemporaryDirectory() as directory:
    path_checkpoint = os.path.join(directory, "model_checkpoint.weights.h5")
    es_callback = keras.callbacks.EarlyStopping(monitor="val_loss", min_delta=0, patience=2)
    modelckpt_callback = keras.callbacks.ModelCheckpoint(
        monitor="val_loss", filepath=path_checkpoint, verbose=0, save_weights_only=True, save_best_only=True)
    history = model.fit(dataset_train, epochs=4, validation_data=dataset_val,
                        callbacks=[es_callback, modelckpt_callback], verbose=0)
    report("exact", "history_keys", sorted(history.history))
    report("trained", "loss", history.history["loss"])
    report("trained", "val_loss", history.history["val_loss"])
    model.load_weights(path_checkpoint)

predictions = []
for x, y in dataset_val.take(3):
    predictions.append([float(np.asarray(y)[0, 0]), float(model.predict(x, verbose=0)[0, 0])])
report("trained", "true_and_predicted", predictions)
