"""keras-io example: Simple custom layer example: Antirectifier
(https://keras.io/examples/keras_recipes/antirectifier/).

An Antirectifier layer (centre, L2-normalise, concatenate the positive and negative parts,
project) with its own kernel, used in an MLP on flattened MNIST digits.
"""
import numpy as np

import keras
from keras import layers, ops

from _data import mnist
from _report import report, seed_and_describe

keras.utils.set_random_seed(0)  # dropout and shuffling draw the same numbers every run


class Antirectifier(layers.Layer):
    def __init__(self, initializer="he_normal", **kwargs):
        super().__init__(**kwargs)
        self.initializer = keras.initializers.get(initializer)

    def build(self, input_shape):
        output_dim = input_shape[-1]
        self.kernel = self.add_weight(shape=(output_dim * 2, output_dim), initializer=self.initializer,
                                      name="kernel", trainable=True)

    def call(self, inputs):
        inputs -= ops.mean(inputs, axis=-1, keepdims=True)
        pos = ops.relu(inputs)
        neg = ops.relu(-inputs)
        concatenated = ops.concatenate([pos, neg], axis=-1)
        return ops.matmul(concatenated, self.kernel)

    def get_config(self):
        config = super().get_config()
        config.update({"initializer": keras.initializers.serialize(self.initializer)})
        return config


(x_train, y_train), (x_test, y_test) = mnist(train=2000, test=500)
x_train, x_test = x_train.reshape(-1, 784), x_test.reshape(-1, 784)

model = keras.Sequential([
    keras.Input(shape=(784,)),
    layers.Dense(128),
    Antirectifier(),
    layers.Dense(64),
    Antirectifier(),
    layers.Dense(10),
])
seed_and_describe(model)
report("close", "initial_logits", model.predict(x_test[:2], verbose=0))
report("exact", "antirectifier_config", sorted(model.layers[1].get_config()))

model.compile(loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
              optimizer=keras.optimizers.RMSprop(), metrics=[keras.metrics.SparseCategoricalAccuracy()])
history = model.fit(x_train, y_train, batch_size=128, epochs=2, validation_split=0.15, shuffle=False, verbose=0)
report("exact", "history_keys", sorted(history.history))
report("trained", "loss", history.history["loss"])
report("trained", "val_sparse_categorical_accuracy", history.history["val_sparse_categorical_accuracy"])
report("trained", "test", model.evaluate(x_test, y_test, verbose=0))
