"""keras-io guide: Training & evaluation with the built-in methods, "Custom metrics"
(https://keras.io/guides/training_with_built_in_methods/#custom-metrics).

A stateful Metric subclass (add_variable, update_state with sample weights, result,
reset_state) used standalone and in compile next to a metric function and built-in metric
objects, on a wine classifier.
"""
import numpy as np
from sklearn.datasets import load_wine

import keras
from keras import layers, ops

from _report import report, seed_and_describe

keras.utils.set_random_seed(0)  # dropout and shuffling draw the same numbers every run


class CategoricalTruePositives(keras.metrics.Metric):
    def __init__(self, name="categorical_true_positives", **kwargs):
        super().__init__(name=name, **kwargs)
        self.true_positives = self.add_variable(shape=(), name="ctp", initializer="zeros")

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = ops.reshape(ops.argmax(y_pred, axis=1), (-1, 1))
        values = ops.cast(y_true, "int32") == ops.cast(y_pred, "int32")
        values = ops.cast(values, "float32")
        if sample_weight is not None:
            values = ops.multiply(values, ops.cast(ops.reshape(sample_weight, (-1, 1)), "float32"))
        self.true_positives.assign_add(ops.sum(values))

    def result(self):
        return self.true_positives.value

    def reset_state(self):
        self.true_positives.assign(0.0)


def mean_confidence(y_true, y_pred):
    return ops.max(y_pred, axis=-1)


metric = CategoricalTruePositives()
labels = np.array([[0], [1], [2], [1]])
scores = np.array([[0.9, 0.1, 0.0], [0.2, 0.7, 0.1], [0.5, 0.3, 0.2], [0.1, 0.1, 0.8]], "float32")
metric.update_state(labels, scores)
report("close", "standalone_result", metric.result())
metric.update_state(labels, scores, sample_weight=np.array([0.5, 2.0, 1.0, 1.0], "float32"))
report("close", "weighted_result", metric.result())
metric.reset_state()
report("close", "reset_result", metric.result())
report("exact", "metric_variables", len(metric.variables))

wine = load_wine()
x = wine.data.astype("float32")
x = (x - x.mean(axis=0)) / x.std(axis=0)
y = wine.target.astype("int32")[:, None]
model = keras.Sequential([keras.Input((13,)), layers.Dense(16, activation="relu"), layers.Dense(3, activation="softmax")])
seed_and_describe(model)
model.compile(optimizer=keras.optimizers.Adam(1e-2), loss="sparse_categorical_crossentropy",
              metrics=[CategoricalTruePositives(), mean_confidence, keras.metrics.SparseCategoricalAccuracy(name="acc")])
history = model.fit(x, y, batch_size=32, epochs=3, shuffle=False, verbose=0)
report("exact", "history_keys", sorted(history.history))
report("trained", "history", history.history)
report("trained", "evaluate", model.evaluate(x, y, batch_size=64, verbose=0, return_dict=True))
