"""keras-io example: Timeseries classification with a Transformer model
(https://keras.io/examples/timeseries/timeseries_classification_transformer/).

Transformer encoder blocks (layer normalisation, multi-head attention, dropout, residuals, a
position-wise feed-forward part of kernel-size-1 Conv1D layers) built by a function, pooled
over time, an MLP head, on synthetic two-class series. Unlike the example, a Conv1D first
embeds each step with its neighbours: attention without positions sees a set of time steps,
and layer normalisation over a single channel erases it. EarlyStopping restores the best weights.
"""
import numpy as np

import keras
from keras import layers

from _data import noisy_sines
from _report import report, seed_and_describe

keras.utils.set_random_seed(0)  # dropout and shuffling draw the same numbers every run

rng = np.random.default_rng(1)
(x_train, y_train), (x_test, y_test) = noisy_sines(256, 48, rng, noise=0.2), noisy_sines(64, 48, rng, noise=0.2)


def transformer_encoder(inputs, head_size, num_heads, ff_dim, dropout=0):
    x = layers.MultiHeadAttention(key_dim=head_size, num_heads=num_heads, dropout=dropout)(inputs, inputs)
    x = layers.Dropout(dropout)(x)
    x = layers.LayerNormalization(epsilon=1e-6)(x)
    res = x + inputs
    x = layers.Conv1D(filters=ff_dim, kernel_size=1, activation="relu")(res)
    x = layers.Dropout(dropout)(x)
    x = layers.Conv1D(filters=inputs.shape[-1], kernel_size=1)(x)
    x = layers.LayerNormalization(epsilon=1e-6)(x)
    return x + res


def build_model(input_shape, head_size, num_heads, ff_dim, num_blocks, mlp_units, dropout=0, mlp_dropout=0):
    inputs = keras.Input(shape=input_shape)
    x = layers.Conv1D(8, kernel_size=5, padding="same")(inputs)
    for _ in range(num_blocks):
        x = transformer_encoder(x, head_size, num_heads, ff_dim, dropout)
    x = layers.GlobalAveragePooling1D(data_format="channels_last")(x)
    for dim in mlp_units:
        x = layers.Dense(dim, activation="relu")(x)
        x = layers.Dropout(mlp_dropout)(x)
    outputs = layers.Dense(2, activation="softmax")(x)
    return keras.Model(inputs, outputs)


model = build_model(x_train.shape[1:], head_size=16, num_heads=2, ff_dim=16, num_blocks=2, mlp_units=[32])
seed_and_describe(model)
report("close", "initial_probabilities", model.predict(x_test[:3], verbose=0))
model.compile(loss="sparse_categorical_crossentropy", optimizer=keras.optimizers.Adam(learning_rate=3e-3),
              metrics=["sparse_categorical_accuracy"])
stop = keras.callbacks.EarlyStopping(patience=3, restore_best_weights=True)
history = model.fit(x_train, y_train, validation_split=0.25, epochs=6, batch_size=32, shuffle=False,
                    callbacks=[stop], verbose=0)
report("trained", "loss", history.history["loss"])
report("trained", "val_loss", history.history["val_loss"])
report("trained", "evaluate", model.evaluate(x_test, y_test, verbose=0))
