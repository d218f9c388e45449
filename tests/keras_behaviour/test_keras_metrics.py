"""Keras-style stateful metrics (issue 16 item 7): a ``Metric`` subclass written the Keras way works
eagerly and in ``compile(metrics=[...])``, inside compiled steps, next to the functional metrics."""

from __future__ import annotations

import numpy as np
import pytest

import oneiros as oi

RNG = np.random.default_rng(1)
X = RNG.normal(size=(24, 3)).astype("float32")
Y = (RNG.random((24, 1)) > 0.4).astype("float32")


def recall_class(framework):
    """The same Keras-idiom source, on ``framework`` (oneiros or keras)."""
    ops = framework.ops

    class ThresholdRecall(framework.metrics.Metric):
        def __init__(self, threshold=0.5, name="threshold_recall", **kwargs):
            super().__init__(name=name, **kwargs)
            self.threshold = threshold
            self.hits = self.add_variable(shape=(), initializer="zeros", name="hits")
            self.positives = self.add_variable(shape=(), initializer="zeros", name="positives")

        def update_state(self, y_true, y_pred, sample_weight=None):
            positive = ops.cast(ops.greater(y_true, 0.5), "float32")
            predicted = ops.cast(ops.greater(y_pred, self.threshold), "float32")
            self.hits.assign_add(ops.sum(positive * predicted))
            self.positives.assign_add(ops.sum(positive))

        def result(self):
            return ops.divide(self.hits, ops.maximum(self.positives, 1.0))

    return ThresholdRecall


def hand_recall(y_true, y_pred, threshold=0.5):
    hits = positives = 0
    for truth, prediction in zip(y_true.ravel(), y_pred.ravel()):
        if truth > 0.5:
            positives += 1
            hits += prediction > threshold
    return hits / max(positives, 1)


def test_eager_update_result_reset_agree_with_keras(keras):
    ours, theirs = recall_class(oi)(threshold=0.3), recall_class(keras)(threshold=0.3)
    predictions = RNG.random((24, 1)).astype("float32")
    for metric in (ours, theirs):
        metric.update_state(Y[:10], predictions[:10])
        metric.update_state(Y[10:], predictions[10:])
    assert float(ours.result()) == pytest.approx(float(theirs.result()))
    assert float(ours.result()) == pytest.approx(hand_recall(Y, predictions, 0.3))
    assert [v.name for v in ours.variables] == [v.name for v in theirs.variables]
    ours.reset_state()
    theirs.reset_state()
    assert float(ours.result()) == float(theirs.result()) == 0.0


def frozen_model(steps_per_execution=1):
    """A sigmoid unit trained with learning rate 0, so its predictions stay those of predict()."""
    model = oi.Sequential([oi.layers.Input((3,)), oi.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=oi.optimizers.SGD(learning_rate=0.0), loss="binary_crossentropy",
                  metrics=[recall_class(oi)(), "accuracy"], steps_per_execution=steps_per_execution)
    return model


@pytest.mark.parametrize("backend_name", ["numpy", "jax"])
def test_evaluate_computes_a_keras_style_metric_over_all_batches(backend_name):
    with oi.backend_scope(backend_name):
        model = frozen_model()
        logs = model.evaluate(X, Y, batch_size=5, verbose=0, return_dict=True)
        predictions = model.predict(X, verbose=0)
    assert logs["threshold_recall"] == pytest.approx(hand_recall(Y, predictions), abs=1e-6)
    assert logs["accuracy"] == pytest.approx(np.mean((predictions > 0.5) == (Y > 0.5)), abs=1e-6)


@pytest.mark.parametrize("steps_per_execution", [1, 3])
def test_fit_resets_and_accumulates_a_keras_style_metric_per_epoch(steps_per_execution):
    model = frozen_model(steps_per_execution)
    predictions = model.predict(X, verbose=0)
    history = model.fit(X, Y, batch_size=4, epochs=2, validation_data=(X[:12], Y[:12]), verbose=0).history
    assert history["threshold_recall"] == pytest.approx([hand_recall(Y, predictions)] * 2, abs=1e-6)
    assert history["val_threshold_recall"] == pytest.approx([hand_recall(Y[:12], predictions[:12])] * 2, abs=1e-6)
    metric = model.compiled.metrics[0][0]
    validation_hits = sum(truth > 0.5 and guess > 0.5
                          for truth, guess in zip(Y[:12].ravel(), predictions[:12].ravel()))
    assert float(metric.hits.numpy()) == validation_hits  # as in Keras: the last pass's state, validation's


def test_a_metric_without_variables_or_pure_functions_says_how_to_write_one():
    class Incomplete(oi.metrics.Metric):
        def update_state(self, y_true, y_pred, sample_weight=None):
            pass

    with pytest.raises(NotImplementedError, match=r"must implement initial_state\(\), or be written the Keras way"):
        Incomplete().initial_state()


def test_duplicate_variable_names_are_refused():
    class Twice(oi.metrics.Metric):
        def __init__(self):
            super().__init__()
            self.add_variable((), "zeros", name="total")
            self.add_variable((), "zeros", name="total")

    with pytest.raises(ValueError, match="a variable named 'total' already exists"):
        Twice()
