"""IoU family, correlation metrics and the loss functions Keras exports as metrics, against Keras 3."""

from __future__ import annotations

import os

import numpy as np
import pytest

pytestmark = pytest.mark.filterwarnings("ignore:You are passing weight as `float`:UserWarning",
                                        "ignore:Explicitly requested dtype int64:UserWarning")

os.environ.setdefault("KERAS_BACKEND", "jax")
import keras  # noqa: E402

import oneiros as oi  # noqa: E402

RNG = np.random.default_rng(5)
LABELS = [RNG.integers(0, 4, size=(3, 5)) for _ in range(2)]
PREDICTED = [RNG.integers(0, 4, size=(3, 5)) for _ in range(2)]
SCORES = [RNG.normal(size=(6, 4)).astype("float32") for _ in range(2)]
ONE_HOT = [np.eye(4, dtype="float32")[RNG.integers(0, 4, size=6)] for _ in range(2)]
BINARY = [RNG.integers(0, 2, size=(8,)) for _ in range(2)]
PROBABILITIES = [RNG.uniform(size=(8,)).astype("float32") for _ in range(2)]
# Whole-number weights: Keras 3 keeps the IoU confusion matrix in int32 and truncates fractional
# weights (it warns so); Oneiros accumulates float32 and takes fractions as they are.
WEIGHTS = [RNG.integers(0, 3, size=(3, 5)).astype("float32"), None]
REGRESSION_TRUE = [RNG.normal(size=(4, 6)).astype("float32") for _ in range(2)]
REGRESSION_PRED = [(t + RNG.normal(size=(4, 6)) * 0.5).astype("float32") for t in REGRESSION_TRUE]

CASES = [
    ("IoU", {"num_classes": 4, "target_class_ids": [0, 2]}, LABELS, PREDICTED, WEIGHTS),
    ("IoU", {"num_classes": 4, "target_class_ids": [1, 3], "ignore_class": 2}, LABELS, PREDICTED, [None, None]),
    ("MeanIoU", {"num_classes": 4}, LABELS, PREDICTED, WEIGHTS),
    ("MeanIoU", {"num_classes": 4, "sparse_y_pred": False}, [np.argmax(o, -1) for o in ONE_HOT], SCORES,
     [None, None]),
    ("BinaryIoU", {"threshold": 0.4}, BINARY, PROBABILITIES, [None, None]),
    ("BinaryIoU", {"target_class_ids": [1]}, BINARY, PROBABILITIES, [None, None]),
    ("OneHotIoU", {"num_classes": 4, "target_class_ids": [0, 1]}, ONE_HOT, SCORES, [None, None]),
    ("OneHotMeanIoU", {"num_classes": 4}, ONE_HOT, SCORES, [None, None]),
    ("PrecisionAtRecall", {"recall": 0.6}, BINARY, PROBABILITIES, [None, None]),
    ("RecallAtPrecision", {"precision": 0.5, "num_thresholds": 20}, BINARY, PROBABILITIES, [None, None]),
    ("SensitivityAtSpecificity", {"specificity": 0.4}, BINARY, PROBABILITIES, [None, None]),
    ("SpecificityAtSensitivity", {"sensitivity": 0.7, "num_thresholds": 1}, BINARY, PROBABILITIES, [None, None]),
    ("SpecificityAtSensitivity", {"sensitivity": 0.5, "class_id": 2}, ONE_HOT,
     [np.abs(s) / np.abs(s).sum(-1, keepdims=True) for s in SCORES], [None, None]),
    ("PearsonCorrelation", {}, REGRESSION_TRUE, REGRESSION_PRED, [None, None]),
    ("ConcordanceCorrelation", {"axis": 0}, REGRESSION_TRUE, REGRESSION_PRED, [None, None]),
]


def accumulate(metric, y_true, y_pred, weights):
    for batch in range(2):
        metric.update_state(y_true[batch], y_pred[batch], sample_weight=weights[batch])
    return np.asarray(metric.result())


@pytest.mark.parametrize("name,arguments,y_true,y_pred,weights", CASES)
def test_metric_matches_keras_over_two_batches(name, arguments, y_true, y_pred, weights):
    ours = accumulate(getattr(oi.metrics, name)(**arguments), y_true, y_pred, weights)
    theirs = accumulate(getattr(keras.metrics, name)(**arguments), y_true, y_pred, weights)
    np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name,arguments", [(name, arguments) for name, arguments, *_ in CASES])
def test_config_round_trips_with_keras_keys(name, arguments):
    metric = getattr(oi.metrics, name)(**arguments)
    assert type(metric).from_config(metric.get_config()).get_config() == metric.get_config()
    assert set(metric.get_config()) == set(getattr(keras.metrics, name)(**arguments).get_config())


@pytest.mark.parametrize("name", ["pearson_correlation", "concordance_correlation", "huber", "log_cosh",
                                  "binary_focal_crossentropy", "categorical_focal_crossentropy"])
def test_metric_functions_match_keras(name):
    y_true, y_pred = REGRESSION_TRUE[0], REGRESSION_PRED[0]
    if "crossentropy" in name:
        y_true, y_pred = ONE_HOT[0], np.full((6, 4), 0.25, "float32") + ONE_HOT[1] * 0.1
    np.testing.assert_allclose(np.asarray(getattr(oi.metrics, name)(y_true, y_pred)),
                               keras.ops.convert_to_numpy(getattr(keras.metrics, name)(y_true, y_pred)), rtol=1e-5)


@pytest.mark.parametrize("name,arguments,message", [
    ("PrecisionAtRecall", {"recall": 1.5}, r"expected recall in \[0, 1\]; received recall=1.5"),
    ("SensitivityAtSpecificity", {"specificity": 0.5, "num_thresholds": 0}, "received 0"),
])
def test_rate_at_constraint_refuses_bad_arguments(name, arguments, message):
    with pytest.raises(ValueError, match=message):
        getattr(oi.metrics, name)(**arguments)


@pytest.mark.parametrize("arguments,message", [
    ({"num_classes": 3, "target_class_ids": [3]}, r"target_class_ids within \[0, 3\); received \[3\]"),
    ({"num_classes": 0, "target_class_ids": [0]}, "received 0"),
])
def test_iou_refuses_bad_classes_naming_them(arguments, message):
    with pytest.raises(ValueError, match=message):
        oi.metrics.IoU(**arguments)


def test_iou_trains_inside_fit():
    model = oi.Sequential([oi.layers.Input((3,)), oi.layers.Dense(4, activation="softmax")])
    model.compile(optimizer="sgd", loss="categorical_crossentropy",
                  metrics=[oi.metrics.OneHotMeanIoU(num_classes=4)])
    x = RNG.normal(size=(12, 3)).astype("float32")
    history = model.fit(x, ONE_HOT[0].repeat(2, axis=0), epochs=1, batch_size=4, verbose=0)
    assert 0.0 <= history.history["one_hot_mean_io_u"][0] <= 1.0


def test_fractional_weights_count_as_given():
    """Against a numpy confusion matrix (Keras would truncate these weights to 0)."""
    y_true, y_pred, weights = LABELS[0].ravel(), PREDICTED[0].ravel(), RNG.uniform(size=15)
    matrix = np.zeros((4, 4))
    np.add.at(matrix, (y_true, y_pred), weights)
    union = matrix.sum(0) + matrix.sum(1) - np.diag(matrix)
    expected = np.mean([matrix[c, c] / union[c] for c in range(4) if union[c] > 0])
    metric = oi.metrics.MeanIoU(num_classes=4)
    metric.update_state(y_true, y_pred, sample_weight=weights)
    np.testing.assert_allclose(np.asarray(metric.result()), expected, rtol=1e-5)
