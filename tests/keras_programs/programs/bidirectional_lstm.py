"""keras-io example: Bidirectional LSTM on IMDB (https://keras.io/examples/nlp/bidirectional_lstm_imdb/).

The same model on the SMS Spam Collection (../shared/data) instead of IMDB: word ids padded
with pad_sequences, an Embedding, two stacked Bidirectional LSTMs, a sigmoid spam score.
"""
import numpy as np

import keras
from keras import layers

from _data import sms_spam
from _report import report, seed_and_describe

keras.utils.set_random_seed(0)  # dropout and shuffling draw the same numbers every run

max_features, maxlen = 1000, 30
ids, labels, _ = sms_spam(count=800, vocabulary=max_features)
x = keras.utils.pad_sequences(ids, maxlen=maxlen)
x_train, y_train, x_val, y_val = x[:640], labels[:640], x[640:], labels[640:]
report("exact", "padded_shape", x.shape)

inputs = keras.Input(shape=(None,), dtype="int32")
h = layers.Embedding(max_features, 16)(inputs)
h = layers.Bidirectional(layers.LSTM(16, return_sequences=True))(h)
h = layers.Bidirectional(layers.LSTM(16))(h)
outputs = layers.Dense(1, activation="sigmoid")(h)
model = keras.Model(inputs, outputs)
report("exact", "output_shapes", [tuple(layer.output.shape) for layer in model.layers])
seed_and_describe(model)
report("close", "initial_scores", model.predict(x_val[:4], verbose=0))

model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
history = model.fit(x_train, y_train, batch_size=64, epochs=2, shuffle=False, validation_data=(x_val, y_val),
                    verbose=0)
report("trained", "loss", history.history["loss"])
report("trained", "val_loss", history.history["val_loss"])
report("loose", "val_accuracy", history.history["val_accuracy"][-1])
report("trained", "trained_scores", model.predict(x_val[:4], verbose=0))
report("close", "spam_share", float(np.mean(labels)))
