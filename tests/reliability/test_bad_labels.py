"""Labels a loss would silently misread, and negative sample weights, are refused before any step.

Oracle: the positions and values are planted by hand; a refused fit leaves the weights as they were.
"""

from __future__ import annotations

import numpy as np
import pytest

import oneiros as oi
from oneiros.data.adapters import DataError

CLASSES = 10


def _classifier(loss="sparse_categorical_crossentropy", units=CLASSES, activation="softmax"):
    model = oi.Sequential([oi.layers.Input((4,)), oi.layers.Dense(units, activation=activation)])
    model.compile(optimizer="sgd", loss=loss)
    return model


@pytest.fixture(scope="module")
def classifier():
    return _classifier()


@pytest.fixture(scope="module")
def data():
    x = np.random.default_rng(0).normal(size=(64, 4)).astype("float32")
    y = np.arange(64) % CLASSES
    return x, y


def _fit_refused(model, x, y, match, **options):
    before = [w.copy() for w in model.get_weights()]
    with pytest.raises(DataError, match=match):
        model.fit(x, y, epochs=1, batch_size=16, verbose=0, **options)
    for old, new in zip(before, model.get_weights()):
        np.testing.assert_array_equal(old, new)


@pytest.mark.parametrize("bad, position", [(CLASSES, 37), (-3, 5)])
def test_sparse_label_outside_the_classes_names_value_position_and_count(classifier, data, bad, position):
    x, y = data
    y = y.copy()
    y[position] = bad
    _fit_refused(classifier, x, y, rf"label {bad} at position \({position},\) is outside \[0, {CLASSES}\)")


def test_one_based_labels_get_a_hint(classifier, data):
    x, y = data
    _fit_refused(classifier, x, y + 1, r"1-based labels\? subtract 1")


def test_evaluate_refuses_out_of_range_labels_instead_of_reporting_zero(classifier, data):
    x, y = data
    with pytest.raises(DataError, match=rf"label {CLASSES} at position \(0,\)"):
        classifier.evaluate(x, np.full(64, CLASSES), verbose=0)


def test_validation_labels_are_checked_too(classifier, data):
    x, y = data
    with pytest.raises(DataError, match=r"label 12 at position \(3,\)"):
        classifier.fit(x, y, validation_data=(x[:8], np.array([1, 2, 3, 12, 0, 0, 0, 0])), epochs=1, verbose=0)


def test_fractional_sparse_labels(classifier, data):
    x, y = data
    labels = y.astype("float32")
    labels[9] = 2.5
    _fit_refused(classifier, x, labels, r"needs integer class labels; received 2.5 at position \(9,\)")


def test_labels_beyond_int32_do_not_wrap(classifier, data):
    x, y = data
    labels = y.astype("int64")
    labels[11] = 2**32 + 3  # wrapped to int32 this would be the valid label 3
    _fit_refused(classifier, x, labels, r"holds 4294967299 at position \(11,\), outside the int32 range")


def test_ignore_class_labels_are_allowed(data):
    x, y = data
    model = _classifier(loss=oi.losses.SparseCategoricalCrossentropy(ignore_class=-1))
    labels = y.copy()
    labels[::7] = -1
    model.fit(x, labels, epochs=1, batch_size=16, verbose=0)
    labels[2] = -2
    _fit_refused(model, x, labels, r"label -2 at position \(2,\)")


@pytest.mark.parametrize("loss", ["binary_crossentropy", "binary_focal_crossentropy"])
def test_binary_labels_outside_zero_one(data, loss):
    x, _ = data
    model = _classifier(loss=loss, units=1, activation="sigmoid")
    labels = (np.arange(64) % 2).astype("float32")
    model.fit(x, labels * 0.8 + 0.1, epochs=1, batch_size=16, verbose=0)  # soft labels are fine
    labels[20] = 2.0
    _fit_refused(model, x, labels, r"needs labels in \[0, 1\].*received 2.0 at position \(20,\)")


def test_negative_sample_weight(classifier, data):
    x, y = data
    weights = np.ones(64, "float32")
    weights[30] = -0.5
    _fit_refused(classifier, x, y, r"sample_weight holds -0.5 at position \(30,\); sample weights must be >= 0",
                 sample_weight=weights)


def test_train_on_batch_checks_labels(classifier, data):
    x, y = data
    with pytest.raises(DataError, match=r"label 10 at position \(1,\)"):
        classifier.train_on_batch(x[:2], np.array([0, CLASSES]))
