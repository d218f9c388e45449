"""keras-io guide: Understanding masking & padding (https://keras.io/guides/understanding_masking_and_padding/).

Ragged sequences padded with pad_sequences in every mode, masks made by Embedding(mask_zero)
and Masking, the mask read from a layer and from a symbolic output, masks passed through an
LSTM and a custom layer that supports masking, and one that consumes it.
"""
import numpy as np

import keras
from keras import layers, ops

from _report import report, seed_and_describe

keras.utils.set_random_seed(0)  # dropout and shuffling draw the same numbers every run

sequences = [[711, 632, 71], [73, 8, 3215, 55, 927], [83, 91, 1, 645, 1253, 927]]
for padding in ("pre", "post"):
    for truncating in ("pre", "post"):
        padded = keras.utils.pad_sequences(sequences, maxlen=5, padding=padding, truncating=truncating)
        report("exact", f"padded_{padding}_{truncating}", padded)
report("exact", "padded_default", keras.utils.pad_sequences(sequences, value=-1))

padded = keras.utils.pad_sequences(sequences, padding="post")
embedding = layers.Embedding(input_dim=5000, output_dim=4, mask_zero=True)
report("exact", "embedding_mask", embedding.compute_mask(padded))

frames = np.random.default_rng(0).normal(size=(3, 6, 2)).astype("float32")
frames[0, 3:] = 0.0
frames[1, :2] = 0.0
report("exact", "masking_mask", layers.Masking(mask_value=0.0).compute_mask(frames))


class TemporalSoftmax(layers.Layer):
    def call(self, inputs, mask=None):
        weights = ops.exp(inputs) * ops.expand_dims(ops.cast(mask, inputs.dtype), -1)
        return weights / ops.sum(weights, axis=1, keepdims=True)


class Doubler(layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def call(self, inputs):
        return inputs * 2.0


class DropFirstStep(layers.Layer):
    def call(self, inputs):
        return inputs[:, 1:]

    def compute_mask(self, inputs, mask=None):
        return None if mask is None else mask[:, 1:]


tokens = keras.Input(shape=(None,), dtype="int32")
embedded = layers.Embedding(input_dim=50, output_dim=3, mask_zero=True)(tokens)
doubled = Doubler()(embedded)
trimmed = DropFirstStep()(doubled)
attention = TemporalSoftmax()(layers.Dense(1)(trimmed))
summary = layers.LSTM(5)(trimmed)
model = keras.Model(tokens, [attention, summary])
seed_and_describe(model)

ids = keras.utils.pad_sequences([[4, 9, 2], [7, 1, 3, 8, 5, 6], [11, 5]], padding="post")
report("exact", "ids", ids)
attention_values, lstm_state = model.predict(ids, verbose=0)
report("close", "masked_attention", attention_values)
report("close", "masked_lstm", lstm_state)
report("exact", "zero_attention_on_padding", (attention_values[:, :, 0] == 0).tolist())

shorter = keras.utils.pad_sequences([[11, 5]], maxlen=3, padding="post")
report("close", "padding_length_changes_nothing", model.predict(shorter, verbose=0)[1] - lstm_state[2:])
report("exact", "symbolic_mask_shape", None if getattr(embedded, "_keras_mask", None) is None
       else tuple(embedded._keras_mask.shape))
