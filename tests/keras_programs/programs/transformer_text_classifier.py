"""keras-io example: Text classification with Transformer
(https://keras.io/examples/nlp/text_classification_with_transformer/).

A transformer block (multi-head self-attention, feed-forward network, residuals, layer
normalisation, dropout) over token and position embeddings, classifying SMS messages from the
SMS Spam Collection (../shared/data) as spam or ham.
"""
import numpy as np

import keras
from keras import layers, ops

from _data import sms_spam
from _report import report, seed_and_describe

keras.utils.set_random_seed(0)  # dropout and shuffling draw the same numbers every run


class TransformerBlock(layers.Layer):
    def __init__(self, embed_dim, num_heads, ff_dim, rate=0.1, **kwargs):
        super().__init__(**kwargs)
        self.att = layers.MultiHeadAttention(num_heads=num_heads, key_dim=embed_dim)
        self.ffn = keras.Sequential([layers.Dense(ff_dim, activation="relu"), layers.Dense(embed_dim)])
        self.layernorm1 = layers.LayerNormalization(epsilon=1e-6)
        self.layernorm2 = layers.LayerNormalization(epsilon=1e-6)
        self.dropout1 = layers.Dropout(rate)
        self.dropout2 = layers.Dropout(rate)

    def call(self, inputs, training=False):
        attn_output = self.dropout1(self.att(inputs, inputs), training=training)
        out1 = self.layernorm1(inputs + attn_output)
        ffn_output = self.dropout2(self.ffn(out1), training=training)
        return self.layernorm2(out1 + ffn_output)


class TokenAndPositionEmbedding(layers.Layer):
    def __init__(self, maxlen, vocab_size, embed_dim, **kwargs):
        super().__init__(**kwargs)
        self.token_emb = layers.Embedding(input_dim=vocab_size, output_dim=embed_dim)
        self.pos_emb = layers.Embedding(input_dim=maxlen, output_dim=embed_dim)

    def call(self, x):
        positions = ops.arange(start=0, stop=ops.shape(x)[-1], step=1)
        return self.token_emb(x) + self.pos_emb(positions)


vocab_size, maxlen, embed_dim = 1000, 32, 16
ids, labels, _ = sms_spam(count=800, vocabulary=vocab_size, seed=1)
x = keras.utils.pad_sequences(ids, maxlen=maxlen)
x_train, y_train, x_val, y_val = x[:640], labels[:640], x[640:], labels[640:]

inputs = layers.Input(shape=(maxlen,))
h = TokenAndPositionEmbedding(maxlen, vocab_size, embed_dim)(inputs)
h = TransformerBlock(embed_dim, num_heads=2, ff_dim=32)(h)
h = layers.GlobalAveragePooling1D()(h)
h = layers.Dropout(0.1)(h)
h = layers.Dense(20, activation="relu")(h)
h = layers.Dropout(0.1)(h)
outputs = layers.Dense(2, activation="softmax")(h)
model = keras.Model(inputs=inputs, outputs=outputs)
seed_and_describe(model)
report("close", "initial_probabilities", model.predict(x_val[:3], verbose=0))

model.compile(optimizer=keras.optimizers.Adam(3e-3), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
report("close", "initial_evaluate", model.evaluate(x_val, y_val, verbose=0))
history = model.fit(x_train, y_train, batch_size=32, epochs=4, validation_data=(x_val, y_val), verbose=0)
report("loose", "val_loss", history.history["val_loss"][-1])
report("loose", "val_accuracy", history.history["val_accuracy"][-1])
predicted = np.argmax(model.predict(x_val, verbose=0), axis=-1)
report("loose", "spam_recall", float(np.mean(predicted[y_val == 1] == 1)))
