"""keras-io example: Imbalanced classification: credit card fraud detection
(https://keras.io/examples/structured_data/imbalanced_classification/).

A rare positive class (3 % of scikit-learn's make_classification samples, standing in for the
fraud data set), features standardised with numpy, class weights inversely proportional to
the class counts, and confusion-matrix metrics (false/true positives/negatives, precision,
recall) logged during training and validation. No dropout, so training is deterministic.
"""
import numpy as np
from sklearn.datasets import make_classification

import keras
from keras import layers

from _report import report, seed_and_describe

keras.utils.set_random_seed(0)  # dropout and shuffling draw the same numbers every run

features, targets = make_classification(n_samples=3000, n_features=20, n_informative=6, weights=[0.97],
                                        flip_y=0.0, random_state=0)
features = features.astype("float32")
targets = targets.astype("float32")[:, None]
num_val_samples = 600
train_features, train_targets = features[:-num_val_samples], targets[:-num_val_samples]
val_features, val_targets = features[-num_val_samples:], targets[-num_val_samples:]
counts = np.bincount(train_targets[:, 0].astype("int64"))
report("exact", "train_counts", counts)

mean, std = np.mean(train_features, axis=0), np.std(train_features, axis=0)
train_features = (train_features - mean) / std
val_features = (val_features - mean) / std

model = keras.Sequential([
    keras.Input(shape=train_features.shape[1:]),
    layers.Dense(64, activation="relu"),
    layers.Dense(64, activation="relu"),
    layers.Dense(1, activation="sigmoid"),
])
seed_and_describe(model)
metrics = [
    keras.metrics.FalseNegatives(name="fn"),
    keras.metrics.FalsePositives(name="fp"),
    keras.metrics.TrueNegatives(name="tn"),
    keras.metrics.TruePositives(name="tp"),
    keras.metrics.Precision(name="precision"),
    keras.metrics.Recall(name="recall"),
]
model.compile(optimizer=keras.optimizers.Adam(1e-2), loss="binary_crossentropy", metrics=metrics)
report("close", "initial_evaluate", model.evaluate(val_features, val_targets, batch_size=256, verbose=0))

class_weight = {0: 1.0 / counts[0], 1: 1.0 / counts[1]}
history = model.fit(train_features, train_targets, batch_size=256, epochs=5, verbose=0, shuffle=False,
                    validation_data=(val_features, val_targets), class_weight=class_weight)
report("exact", "history_keys", sorted(history.history))
report("trained", "loss", history.history["loss"])
report("loose", "val_recall", history.history["val_recall"])
report("loose", "val_precision", history.history["val_precision"])
report("loose", "val_confusion_shares",
       [history.history[f"val_{name}"][-1] / num_val_samples for name in ("fn", "fp", "tn", "tp")])
report("trained", "scores", model.predict(val_features[:5], verbose=0))
