"""keras-io guide: The Functional API (https://keras.io/guides/functional_api/).

A digits classifier written as a graph of layers: a residual connection with Python operators,
a merge function, ops on symbolic tensors, feature extraction from intermediate outputs,
a shared layer, a nested model, and a round trip through get_config/from_config.
"""
import numpy as np
from sklearn.datasets import load_digits

import keras
from keras import layers, ops

from _report import report, seed_and_describe

keras.utils.set_random_seed(0)  # dropout and shuffling draw the same numbers every run

digits = load_digits()
x = (digits.data / 16.0).astype("float32")
y = digits.target.astype("int32")
x_train, y_train, x_test, y_test = x[:1200], y[:1200], x[1200:], y[1200:]

inputs = keras.Input(shape=(64,), name="pixels")
hidden = layers.Dense(48, activation="relu", name="hidden_1")(inputs)
deeper = layers.Dense(48, activation="relu", name="hidden_2")(hidden)
residual = deeper + hidden
centred = residual - ops.mean(residual, axis=-1, keepdims=True)
merged = layers.concatenate([centred, inputs[:, :16]], name="merge")
outputs = layers.Dense(10, name="digit")(merged)
model = keras.Model(inputs=inputs, outputs=outputs, name="digits_graph")

report("exact", "output_shape", model.output_shape)
report("exact", "merge_shape", model.get_layer("merge").output.shape)
seed_and_describe(model)
report("close", "initial_logits", model.predict(x_test[:4], verbose=0))

model.compile(optimizer=keras.optimizers.RMSprop(learning_rate=1e-3),
              loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
              metrics=["accuracy"])
history = model.fit(x_train, y_train, batch_size=64, epochs=3, validation_split=0.2, shuffle=False, verbose=0)
report("exact", "history_keys", sorted(history.history))
report("trained", "loss", history.history["loss"])
report("trained", "val_loss", history.history["val_loss"])
loss, accuracy = model.evaluate(x_test, y_test, verbose=0)
report("trained", "test_loss", loss)
report("loose", "test_accuracy", accuracy)

extractor = keras.Model(inputs=model.inputs, outputs=[layer.output for layer in model.layers])
features = extractor(x_test[:2])
report("exact", "feature_shapes", [tuple(f.shape) for f in features])
report("trained", "hidden_features", features[1])

rebuilt = keras.Model.from_config(model.get_config())
rebuilt.set_weights(model.get_weights())
report("trained", "rebuilt_logits", rebuilt.predict(x_test[:4], verbose=0))

shared = layers.Dense(8, name="shared")
left, right = keras.Input((64,)), keras.Input((64,))
siamese = keras.Model([left, right], layers.subtract([shared(left), shared(right)]))
seed_and_describe(siamese, seed=1, prefix="siamese")
report("close", "siamese_difference", siamese.predict([x_test[:3], x_test[3:6]], verbose=0))

nested_in = keras.Input((64,))
nested = keras.Model(nested_in, layers.Activation("softmax")(model(nested_in)))
probabilities = nested.predict(x_test[:4], verbose=0)
report("exact", "nested_layers", len(nested.layers))
report("trained", "nested_probabilities", probabilities)
report("close", "probabilities_sum", np.sum(probabilities, axis=-1))
