"""keras-io example: Sequence to sequence learning for performing number addition
(https://keras.io/examples/nlp/addition_rnn/).

Questions such as "12+345" and their answers, one-hot encoded with a character table built in
numpy, the question reversed; an LSTM encoder, RepeatVector, an LSTM decoder returning
sequences and a TimeDistributed Dense softmax over the characters; a few epochs, then decoded
predictions compared with the true sums.
"""
import numpy as np

import keras
from keras import layers

from _report import report, seed_and_describe

keras.utils.set_random_seed(0)  # dropout and shuffling draw the same numbers every run

TRAINING_SIZE = 2400
DIGITS = 3
MAXLEN = DIGITS + 1 + DIGITS  # "123+456"
ANSWER_LEN = DIGITS + 1  # the sum of two 3-digit numbers has at most 4 digits


class CharacterTable:
    """One-hot encodes strings over a fixed alphabet and decodes rows of scores back to text."""

    def __init__(self, chars):
        self.chars = sorted(set(chars))
        self.char_indices = {c: i for i, c in enumerate(self.chars)}
        self.indices_char = dict(enumerate(self.chars))

    def encode(self, text, num_rows):
        encoded = np.zeros((num_rows, len(self.chars)))
        for row, char in enumerate(text):
            encoded[row, self.char_indices[char]] = 1
        return encoded

    def decode(self, scores, calc_argmax=True):
        if calc_argmax:
            scores = scores.argmax(axis=-1)
        return "".join(self.indices_char[int(index)] for index in scores)


chars = "0123456789+ "
ctable = CharacterTable(chars)

rng = np.random.default_rng(0)
questions, expected, seen = [], [], set()
while len(questions) < TRAINING_SIZE:
    a, b = (int(rng.integers(1, 10 ** int(rng.integers(1, DIGITS + 1)))) for _ in range(2))
    key = tuple(sorted((a, b)))
    if key in seen:
        continue
    seen.add(key)
    query = f"{a}+{b}".ljust(MAXLEN)
    questions.append(query[::-1])  # reversed questions train faster ("Learning to Execute")
    expected.append(str(a + b).ljust(ANSWER_LEN))
report("exact", "first_questions", questions[:3])

x = np.zeros((len(questions), MAXLEN, len(chars)), dtype=bool)
y = np.zeros((len(questions), ANSWER_LEN, len(chars)), dtype=bool)
for i, sentence in enumerate(questions):
    x[i] = ctable.encode(sentence, MAXLEN)
for i, sentence in enumerate(expected):
    y[i] = ctable.encode(sentence, ANSWER_LEN)
split_at = len(x) - len(x) // 10
(x_train, x_val), (y_train, y_val) = (x[:split_at], x[split_at:]), (y[:split_at], y[split_at:])
report("exact", "data_shapes", [x_train.shape, y_train.shape, x_val.shape])

model = keras.Sequential()
model.add(layers.Input((MAXLEN, len(chars))))
model.add(layers.LSTM(64))
model.add(layers.RepeatVector(ANSWER_LEN))
model.add(layers.LSTM(64, return_sequences=True))
model.add(layers.TimeDistributed(layers.Dense(len(chars), activation="softmax")))
model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
report("exact", "output_shape", list(model.output_shape))
seed_and_describe(model)
report("close", "initial_scores", model.predict(x_val[:2], verbose=0)[:, 0])

history = model.fit(x_train, y_train, batch_size=64, epochs=4, validation_data=(x_val, y_val),
                    shuffle=False, verbose=0)
report("exact", "history_keys", sorted(history.history))
report("trained", "loss", history.history["loss"])
report("trained", "val_loss", history.history["val_loss"])
report("trained", "val_accuracy", history.history["val_accuracy"])

predictions = np.argmax(model.predict(x_val[:200], verbose=0), axis=-1)
guesses = [ctable.decode(row, calc_argmax=False) for row in predictions]
answers = [ctable.decode(row) for row in y_val[:200]]
report("trained", "predicted_probabilities", model.predict(x_val[:2], verbose=0)[:, :, :4])
# argmax over near-tied character scores: a rounding difference can flip one digit
report("loose", "digit_accuracy", float(np.mean([g == a for gs, as_ in zip(guesses, answers)
                                                   for g, a in zip(gs, as_)])))
report("loose", "exact_answers", float(np.mean([g == a for g, a in zip(guesses, answers)])))
