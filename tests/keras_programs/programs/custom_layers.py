"""keras-io guide: Making new layers and models via subclassing
(https://keras.io/guides/making_new_layers_and_models_via_subclassing/).

A Linear layer with weights from add_weight and ops on Variables, a non-trainable running
sum, layers nested in layers, an activity-regularization loss collected in layer.losses,
a training flag, get_config, and a Model subclass trained with fit.
"""
import numpy as np

import keras
from keras import layers, ops

from _report import report, seed_and_describe

keras.utils.set_random_seed(0)  # dropout and shuffling draw the same numbers every run


class Linear(layers.Layer):
    def __init__(self, units=32, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], self.units), initializer="random_normal", name="w")
        self.b = self.add_weight(shape=(self.units,), initializer="zeros", name="b")

    def call(self, inputs):
        return ops.matmul(inputs, self.w) + self.b

    def get_config(self):
        return {**super().get_config(), "units": self.units}


class RunningSum(layers.Layer):
    def __init__(self, input_dim, **kwargs):
        super().__init__(**kwargs)
        self.total = self.add_weight(shape=(input_dim,), initializer="zeros", trainable=False, name="total")

    def call(self, inputs):
        self.total.assign_add(ops.sum(inputs, axis=0))
        return self.total


class ActivityPenalty(layers.Layer):
    def __init__(self, rate=1e-2, **kwargs):
        super().__init__(**kwargs)
        self.rate = rate

    def call(self, inputs):
        self.add_loss(self.rate * ops.mean(ops.square(inputs)))
        return inputs


class Block(layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.first = Linear(16)
        self.penalty = ActivityPenalty()
        self.second = Linear(4)

    def call(self, inputs, training=False):
        hidden = ops.relu(self.first(inputs))
        if training:
            hidden = hidden * 0.5
        return self.second(self.penalty(hidden))


class Regressor(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.block = Block()
        self.head = layers.Dense(1)

    def call(self, inputs, training=False):
        return self.head(self.block(inputs, training=training))


rng = np.random.default_rng(0)
x = rng.normal(size=(256, 8)).astype("float32")
y = (x[:, :1] * 2.0 - x[:, 1:2] + 0.1 * rng.normal(size=(256, 1))).astype("float32")

linear = Linear(4)
out = linear(x[:2])
report("exact", "linear_weights", [tuple(w.shape) for w in linear.weights])
report("exact", "linear_trainable", [len(linear.trainable_weights), len(linear.non_trainable_weights)])
linear.set_weights([np.arange(32, dtype="float32").reshape(8, 4) / 32, np.ones(4, "float32")])
report("close", "linear_output", linear(x[:2]))
report("exact", "linear_config_units", Linear.from_config(linear.get_config()).units)

running = RunningSum(3)
running(np.ones((2, 3), "float32"))
report("close", "running_sum", running(np.ones((2, 3), "float32")))
report("exact", "running_trainable", [len(running.trainable_weights), len(running.non_trainable_weights)])

penalty = ActivityPenalty(rate=0.5)
penalty(np.full((2, 2), 2.0, "float32"))
report("close", "activity_losses", [float(loss) for loss in penalty.losses])

model = Regressor()
model(x[:1])
seed_and_describe(model)
report("close", "inference_output", model(x[:3]))
report("close", "training_output", model(x[:3], training=True))
model(x[:4])
report("close", "model_losses", [float(loss) for loss in model.losses])

model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-2), loss="mse")
history = model.fit(x, y, batch_size=64, epochs=3, shuffle=False, verbose=0)
report("trained", "loss", history.history["loss"])
report("trained", "predictions", model.predict(x[:4], verbose=0))
