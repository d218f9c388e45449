"""keras-io guide: Working with RNNs (https://keras.io/guides/working_with_rnns/).

The guide's layers and patterns on synthetic token sequences: Embedding + LSTM, GRU returning
sequences into SimpleRNN, an encoder LSTM's returned states as a decoder's initial_state, states
carried over a long sequence fed in pieces and handed to a new layer (return_state and
initial_state: Oneiros refuses the guide's stateful=True), Bidirectional, keras.layers.RNN
around an LSTMCell, a cell of the program's own and a list of stacked cells; one model trained.
"""
import numpy as np

import keras
from keras import layers, ops

from _report import report, seed_and_describe

keras.utils.set_random_seed(0)  # dropout and shuffling draw the same numbers every run

rng = np.random.default_rng(0)
tokens = rng.integers(1, 1000, size=(256, 12))
labels = (tokens[:, :4].mean(axis=1) > 500).astype("int32") + (tokens[:, -1] > 800).astype("int32")

model = keras.Sequential()
model.add(keras.Input(shape=(None,), dtype="int32"))
model.add(layers.Embedding(input_dim=1000, output_dim=16))
model.add(layers.LSTM(32))
model.add(layers.Dense(10))
seed_and_describe(model, prefix="lstm_model")
report("close", "lstm_logits", model.predict(tokens[:2], verbose=0))
model.compile(loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), optimizer="adam",
              metrics=["accuracy"])
history = model.fit(tokens, labels, batch_size=32, epochs=3, shuffle=False, verbose=0)
report("trained", "lstm_loss", history.history["loss"])

model = keras.Sequential()
model.add(keras.Input(shape=(None,), dtype="int32"))
model.add(layers.Embedding(input_dim=1000, output_dim=16))
model.add(layers.GRU(32, return_sequences=True))
model.add(layers.SimpleRNN(16))
model.add(layers.Dense(10))
report("exact", "gru_output_shapes", [list(layer.output.shape) for layer in model.layers])
seed_and_describe(model, seed=1, prefix="gru_model")
report("close", "gru_logits", model.predict(tokens[:2], verbose=0))

encoder_vocab, decoder_vocab = 1000, 2000
encoder_input = layers.Input(shape=(None,))
encoder_embedded = layers.Embedding(input_dim=encoder_vocab, output_dim=16)(encoder_input)
output, state_h, state_c = layers.LSTM(16, return_state=True, name="encoder")(encoder_embedded)
encoder_state = [state_h, state_c]
decoder_input = layers.Input(shape=(None,))
decoder_embedded = layers.Embedding(input_dim=decoder_vocab, output_dim=16)(decoder_input)
decoder_output = layers.LSTM(16, name="decoder")(decoder_embedded, initial_state=encoder_state)
output = layers.Dense(10)(decoder_output)
model = keras.Model([encoder_input, decoder_input], output)
seed_and_describe(model, seed=2, prefix="seq2seq")
report("close", "seq2seq_logits", model.predict([tokens[:2], tokens[2:4] * 2], verbose=0))

paragraph1, paragraph2, paragraph3 = (rng.normal(size=(2, 5, 8)).astype("float32") for _ in range(3))
# The guide's stateful LSTM (stateful=True, reset_states) is left out: Oneiros refuses stateful
# recurrent layers. The same carrying of states across pieces, with return_state and initial_state:
lstm_layer = layers.LSTM(8, return_state=True)
lstm_layer(paragraph1)
lstm_layer.set_weights([rng.uniform(-0.3, 0.3, size=np.shape(w)).astype("float32") for w in lstm_layer.get_weights()])
output, *states = lstm_layer(paragraph1)
output, *states = lstm_layer(paragraph2, initial_state=states)
output, *states = lstm_layer(paragraph3, initial_state=states)
report("close", "carried_output", output)
report("close", "carried_states", [np.asarray(state) for state in states])
new_lstm_layer = layers.LSTM(8)
new_lstm_layer(paragraph3, initial_state=states)
new_lstm_layer.set_weights(lstm_layer.get_weights())
report("close", "handed_over", new_lstm_layer(paragraph3, initial_state=states))

model = keras.Sequential([
    keras.Input(shape=(5, 8)),
    layers.Bidirectional(layers.LSTM(8, return_sequences=True)),
    layers.Bidirectional(layers.LSTM(4)),
    layers.Dense(3),
])
seed_and_describe(model, seed=4, prefix="bidirectional")
report("close", "bidirectional_logits", model.predict(paragraph1, verbose=0))


class MinimalRNNCell(layers.Layer):
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.state_size = units

    def build(self, input_shape):
        self.kernel = self.add_weight(shape=(input_shape[-1], self.units), initializer="uniform", name="kernel")
        self.recurrent_kernel = self.add_weight(shape=(self.units, self.units), initializer="uniform",
                                                name="recurrent_kernel")

    def call(self, inputs, states):
        prev_output = states[0]
        h = ops.matmul(inputs, self.kernel)
        output = h + ops.matmul(prev_output, self.recurrent_kernel)
        return output, [output]


cells = {
    "lstm_cell": layers.RNN(layers.LSTMCell(6)),
    "own_cell": layers.RNN(MinimalRNNCell(6), return_sequences=True),
    "stacked_cells": layers.RNN([MinimalRNNCell(6), MinimalRNNCell(4)], return_state=True),
}
for seed, (name, rnn) in enumerate(cells.items(), start=5):
    model = keras.Sequential([keras.Input(shape=(5, 8)), rnn])
    seed_and_describe(model, seed=seed, prefix=name)
    result = rnn(paragraph2)
    report("close", name, [np.asarray(part) for part in result] if isinstance(result, (list, tuple)) else result)
