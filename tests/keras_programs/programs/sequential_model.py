"""keras-io guide: The Sequential model (https://keras.io/guides/sequential_model/).

A Sequential wine classifier grown with add() and trimmed with pop(), built lazily from its
first call, a feature extractor over every layer's output, and layer lookup by name and index.
"""
import numpy as np
from sklearn.datasets import load_wine

import keras
from keras import layers

from _report import report, seed_and_describe

keras.utils.set_random_seed(0)  # dropout and shuffling draw the same numbers every run

wine = load_wine()
x = wine.data.astype("float32")
x = (x - x.mean(axis=0)) / x.std(axis=0)
y = wine.target.astype("int32")

lazy = keras.Sequential([layers.Dense(16, activation="relu"), layers.Dense(3)])
report("exact", "lazy_weights_before_build", len(lazy.weights))
lazy(np.zeros((1, 13), "float32"))
report("exact", "lazy_weights_after_build", len(lazy.weights))

model = keras.Sequential(name="wine")
model.add(keras.Input(shape=(13,)))
model.add(layers.Dense(32, activation="relu", name="first"))
model.add(layers.Dense(32, activation="tanh"))
model.add(layers.Dense(99))
model.pop()
model.add(layers.Dense(3, activation="softmax", name="classes"))
report("exact", "layer_count", len(model.layers))
report("exact", "output_shape", model.output_shape)
report("exact", "first_kernel_shape", model.get_layer("first").kernel.shape)
report("exact", "input_shapes", [tuple(t.shape) for t in model.inputs])
seed_and_describe(model)

model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05, momentum=0.9),
              loss="sparse_categorical_crossentropy", metrics=["accuracy"])
report("close", "initial_probabilities", model.predict(x[:5], verbose=0))
history = model.fit(x, y, batch_size=32, epochs=4, shuffle=False, verbose=0)
report("trained", "loss", history.history["loss"])
report("loose", "accuracy", history.history["accuracy"][-1])

extractor = keras.Model(inputs=model.inputs, outputs=[layer.output for layer in model.layers])
report("trained", "features", [f[:2] for f in extractor(x[:2])])
second = keras.Model(inputs=model.inputs, outputs=model.layers[1].output)
report("trained", "second_layer", second.predict(x[:3], verbose=0))
