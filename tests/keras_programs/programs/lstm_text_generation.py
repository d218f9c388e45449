"""keras-io example: Character-level text generation with LSTM
(https://keras.io/examples/generative/lstm_character_level_text_generation/).

The text of SMS messages (../shared/data) instead of Nietzsche: overlapping character windows
one-hot encoded in numpy, an LSTM with a softmax over the characters trained with RMSprop, then
text generated one character at a time by sampling the predicted distribution at a few
temperatures with a seeded numpy generator.
"""
import numpy as np

import keras
from keras import layers

from _data import sms_spam
from _report import report, seed_and_describe

keras.utils.set_random_seed(0)  # dropout and shuffling draw the same numbers every run

_, _, words = sms_spam(count=400, vocabulary=400)
text = " ".join(words)
chars = sorted(list(set(text)))
report("exact", "corpus", [len(text), len(chars)])
char_indices = dict((c, i) for i, c in enumerate(chars))
indices_char = dict((i, c) for i, c in enumerate(chars))

maxlen = 20
step = 3
sentences = []
next_chars = []
for i in range(0, len(text) - maxlen, step):
    sentences.append(text[i: i + maxlen])
    next_chars.append(text[i + maxlen])
report("exact", "sequences", len(sentences))

x = np.zeros((len(sentences), maxlen, len(chars)), dtype="bool")
y = np.zeros((len(sentences), len(chars)), dtype="bool")
for i, sentence in enumerate(sentences):
    for t, char in enumerate(sentence):
        x[i, t, char_indices[char]] = 1
    y[i, char_indices[next_chars[i]]] = 1

model = keras.Sequential([
    keras.Input(shape=(maxlen, len(chars))),
    layers.LSTM(64),
    layers.Dense(len(chars), activation="softmax"),
])
optimizer = keras.optimizers.RMSprop(learning_rate=0.01)
model.compile(loss="categorical_crossentropy", optimizer=optimizer)
seed_and_describe(model)
report("close", "initial_distribution", model.predict(x[:1], verbose=0)[0, :8])


def sample(preds, rng, temperature=1.0):
    preds = np.asarray(preds).astype("float64")
    preds = np.log(preds) / temperature
    exp_preds = np.exp(preds)
    preds = exp_preds / np.sum(exp_preds)
    probas = rng.multinomial(1, preds, 1)
    return np.argmax(probas)


history = model.fit(x, y, batch_size=64, epochs=6, shuffle=False, verbose=0)
report("trained", "loss", history.history["loss"])

sentence = text[:maxlen]
for temperature in [0.2, 1.0]:
    rng = np.random.default_rng(7)
    generated = ""
    window = sentence
    for i in range(30):
        x_pred = np.zeros((1, maxlen, len(chars)))
        for t, char in enumerate(window):
            x_pred[0, t, char_indices[char]] = 1.0
        preds = model.predict(x_pred, verbose=0)[0]
        next_char = indices_char[sample(preds, rng, temperature)]
        window = window[1:] + next_char
        generated += next_char
    # sampled text: a draw falls within rounding of a cumulative boundary about once in a million
    report("exact", f"generated_at_{str(temperature).replace('.', '_')}", generated)
report("trained", "last_distribution", preds[:8])
