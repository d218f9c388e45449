"""keras-io guide: Transfer learning & fine-tuning (https://keras.io/guides/transfer_learning/).

A base network trained on digits 0-4 is frozen (trainable = False), reused with
training=False under a new head for digits 5-9, trained, then unfrozen and fine-tuned with a
small learning rate after recompiling, its BatchNormalization layer kept frozen. (Keras 3.15 on
JAX updates the moving statistics of an unfrozen BatchNormalization during fit even when the
base was called with training=False, unlike what the guide says, so the program avoids it.)
"""
import numpy as np
from sklearn.datasets import load_digits

import keras
from keras import layers

from _report import report, seed_and_describe

keras.utils.set_random_seed(0)  # dropout and shuffling draw the same numbers every run

digits = load_digits()
x = (digits.data / 16.0).astype("float32")
y = digits.target.astype("int32")
first, second = y < 5, y >= 5
x_base, y_base = x[first], y[first]
x_new, y_new = x[second], y[second] - 5

base_model = keras.Sequential([
    keras.Input((64,)),
    layers.Dense(32, activation="relu"),
    layers.BatchNormalization(),
    layers.Dense(16, activation="relu"),
], name="base")
pretraining = keras.Sequential([base_model, layers.Dense(5)])
seed_and_describe(pretraining, prefix="pretraining")
pretraining.compile(optimizer=keras.optimizers.Adam(1e-2),
                    loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
history = pretraining.fit(x_base, y_base, batch_size=64, epochs=2, shuffle=False, verbose=0)
report("trained", "pretraining_loss", history.history["loss"])

base_model.trainable = False
report("exact", "frozen_counts", [len(base_model.weights), len(base_model.trainable_weights),
                                  len(base_model.non_trainable_weights)])
inputs = keras.Input(shape=(64,))
features = base_model(inputs, training=False)
outputs = layers.Dense(5)(layers.Dense(16, activation="relu")(features))
model = keras.Model(inputs, outputs)
report("exact", "model_trainable_count", len(model.trainable_weights))
report("exact", "model_non_trainable_count", len(model.non_trainable_weights))
rng = np.random.default_rng(1)
for head_layer in model.layers[-2:]:
    kernel, bias = head_layer.get_weights()
    head_layer.set_weights([rng.uniform(-0.3, 0.3, kernel.shape).astype("float32"), bias])
frozen_before = [np.array(w) for w in base_model.get_weights()]

model.compile(optimizer=keras.optimizers.Adam(1e-2),
              loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
              metrics=[keras.metrics.SparseCategoricalAccuracy()])
history = model.fit(x_new, y_new, batch_size=64, epochs=3, shuffle=False, verbose=0)
report("trained", "transfer_loss", history.history["loss"])
report("exact", "base_unchanged", all(np.array_equal(a, np.array(b))
                                      for a, b in zip(frozen_before, base_model.get_weights())))

base_model.trainable = True
base_model.layers[1].trainable = False
report("exact", "unfrozen_trainable_count", len(model.trainable_weights))
model.compile(optimizer=keras.optimizers.Adam(1e-4),
              loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
              metrics=[keras.metrics.SparseCategoricalAccuracy()])
history = model.fit(x_new, y_new, batch_size=64, epochs=2, shuffle=False, verbose=0)
report("trained", "fine_tune_loss", history.history["loss"])
report("exact", "batch_norm_unchanged", all(np.array_equal(frozen_before[i], np.array(base_model.get_weights()[i]))
                                            for i in (2, 3, 4, 5)))
report("trained", "fine_tuned_evaluate", model.evaluate(x_new, y_new, verbose=0))
