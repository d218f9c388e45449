"""keras-io API guide: Layer weight regularizers (https://keras.io/api/layers/regularizers/) and
the activation layers (https://keras.io/api/layers/activation_layers/).

Kernel, bias and activity regularizers by their lowercase aliases and as objects, their
penalties read from model.losses, a custom regularizer function, the ReLU, LeakyReLU, PReLU,
ELU and Softmax layers, and a regularized model trained with set_random_seed set first.
"""
import numpy as np
from sklearn.datasets import load_iris

import keras
from keras import layers, ops, regularizers

from _report import report, seed_and_describe

keras.utils.set_random_seed(0)
iris = load_iris()
x = ((iris.data - iris.data.mean(axis=0)) / iris.data.std(axis=0)).astype("float32")
y = iris.target.astype("int32")

values = np.array([[-2.0, -0.5, 0.0, 0.5, 2.0]], "float32")
for layer in (layers.ReLU(max_value=1.0, negative_slope=0.1, threshold=0.25), layers.LeakyReLU(negative_slope=0.2),
              layers.PReLU(alpha_initializer=keras.initializers.Constant(0.25)), layers.ELU(alpha=0.5),
              layers.Softmax(axis=-1)):
    report("close", f"{type(layer).__name__}_output", layer(values))


def small_weights(weight_matrix):
    return 1e-3 * ops.sum(ops.abs(weight_matrix))


model = keras.Sequential([
    keras.Input((4,)),
    layers.Dense(16, kernel_regularizer=regularizers.l2(1e-2), bias_regularizer=regularizers.l1(1e-3)),
    layers.LeakyReLU(negative_slope=0.1),
    layers.Dense(16, kernel_regularizer=regularizers.L1L2(l1=1e-3, l2=1e-3), activity_regularizer=regularizers.l1(1e-3)),
    layers.PReLU(),
    layers.Dense(3, kernel_regularizer=small_weights),
    layers.Softmax(),
])
seed_and_describe(model)
model(x[:10])
report("close", "sorted_penalties", sorted(float(loss) for loss in model.losses))
report("close", "l1_l2_value", float(regularizers.l1_l2(l1=0.1, l2=0.2)(np.array([[1.0, -2.0]], "float32"))))

model.compile(optimizer=keras.optimizers.Adam(1e-2), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
history = model.fit(x, y, batch_size=30, epochs=3, shuffle=False, verbose=0)
report("trained", "loss", history.history["loss"])
report("trained", "prelu_alpha", model.layers[3].get_weights()[0][:4])
report("trained", "evaluate", model.evaluate(x, y, verbose=0))
