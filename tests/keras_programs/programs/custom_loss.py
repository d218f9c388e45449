"""keras-io guide: Training & evaluation with the built-in methods, "Custom losses"
(https://keras.io/guides/training_with_built_in_methods/#custom-losses).

A loss function and a configurable Loss subclass (with get_config, registered for
serialization), called standalone with sample weights and reductions, rebuilt from its
config, and trained with on scikit-learn's diabetes data.
"""
import numpy as np
from sklearn.datasets import load_diabetes

import keras
from keras import layers, ops

from _report import report, seed_and_describe

keras.utils.set_random_seed(0)  # dropout and shuffling draw the same numbers every run


def huberish(y_true, y_pred):
    error = y_pred - y_true
    return ops.mean(ops.sqrt(1.0 + ops.square(error)) - 1.0, axis=-1)


@keras.saving.register_keras_serializable(package="programs")
class ShrinkingMSE(keras.losses.Loss):
    def __init__(self, shrinkage=0.1, name="shrinking_mse", **kwargs):
        super().__init__(name=name, **kwargs)
        self.shrinkage = shrinkage

    def call(self, y_true, y_pred):
        mse = ops.mean(ops.square(y_true - y_pred), axis=-1)
        return mse + self.shrinkage * ops.mean(ops.square(0.5 - y_pred), axis=-1)

    def get_config(self):
        return {**super().get_config(), "shrinkage": self.shrinkage}


y_true = np.array([[0.0, 1.0], [1.0, 1.0], [2.0, 0.0]], "float32")
y_pred = np.array([[0.5, 1.0], [1.5, 0.0], [0.0, 0.0]], "float32")
loss = ShrinkingMSE(0.5)
report("close", "loss_value", loss(y_true, y_pred))
report("close", "weighted_loss", loss(y_true, y_pred, sample_weight=np.array([1.0, 0.0, 2.0], "float32")))
report("close", "sum_loss", ShrinkingMSE(0.5, reduction="sum")(y_true, y_pred))
report("close", "unreduced_loss", ShrinkingMSE(0.5, reduction=None)(y_true, y_pred))
report("exact", "loss_config", {k: v for k, v in loss.get_config().items() if k in ("name", "shrinkage", "reduction")})
report("exact", "restored_shrinkage", ShrinkingMSE.from_config(loss.get_config()).shrinkage)
report("close", "function_loss", huberish(y_true, y_pred))

data = load_diabetes()
x = ((data.data - data.data.mean(axis=0)) / data.data.std(axis=0)).astype("float32")
y = ((data.target - data.target.mean()) / data.target.std()).astype("float32")[:, None]


def regressor(name, loss):
    model = keras.Sequential([keras.Input((10,)), layers.Dense(16, activation="tanh"), layers.Dense(1)])
    seed_and_describe(model, prefix=name)
    model.compile(optimizer=keras.optimizers.SGD(0.05), loss=loss)
    history = model.fit(x, y, batch_size=64, epochs=3, shuffle=False, verbose=0)
    report("trained", f"{name}_loss", history.history["loss"])
    return model


regressor("function", huberish)
model = regressor("subclass", ShrinkingMSE(0.2))
report("trained", "subclass_predictions", model.predict(x[:3], verbose=0))
