"""The contract the training loop relies on, for every built-in metric: pure state functions,
configs that round-trip, names that resolve, and the same results under jit and fused steps."""

from __future__ import annotations

import copy
import json

import numpy as np
import pytest

import oneiros
from oneiros import metrics, ops

RNG = np.random.default_rng(53)
BINARY = RNG.integers(0, 2, size=(6, 3)).astype(np.float32)
PROBS = RNG.uniform(0.05, 0.95, size=(6, 3)).astype(np.float32)
LABELS = RNG.integers(0, 3, size=(6,))
ONE_HOT = np.eye(3, dtype=np.float32)[LABELS]
REAL = RNG.uniform(0.5, 2.0, size=(6, 3)).astype(np.float32)
WEIGHTS = RNG.uniform(0.1, 2.0, size=(6,)).astype(np.float32)

# (metric, y_true, y_pred) for every registered metric class, with non-default arguments
CASES = [
    (metrics.Accuracy(), LABELS, np.argmax(PROBS, axis=1)),
    (metrics.BinaryAccuracy(threshold=0.4), BINARY, PROBS),
    (metrics.CategoricalAccuracy(), ONE_HOT, PROBS),
    (metrics.SparseCategoricalAccuracy(), LABELS, PROBS),
    (metrics.TopKCategoricalAccuracy(k=2), ONE_HOT, PROBS),
    (metrics.SparseTopKCategoricalAccuracy(k=2), LABELS, PROBS),
    (metrics.TruePositives(thresholds=[0.3, 0.6]), BINARY, PROBS),
    (metrics.TrueNegatives(), BINARY, PROBS),
    (metrics.FalsePositives(thresholds=0.7), BINARY, PROBS),
    (metrics.FalseNegatives(), BINARY, PROBS),
    (metrics.Precision(top_k=2, class_id=1), BINARY, PROBS),
    (metrics.Recall(thresholds=[0.2, 0.5, 0.8]), BINARY, PROBS),
    (metrics.AUC(num_thresholds=50, curve="PR"), BINARY, PROBS),
    (metrics.AUC(multi_label=True, num_labels=3, label_weights=[1.0, 2.0, 0.5]), BINARY, PROBS),
    (metrics.F1Score(average="macro"), BINARY, PROBS),
    (metrics.FBetaScore(beta=2.0, threshold=0.5), BINARY, PROBS),
    (metrics.MeanSquaredError(), REAL, PROBS),
    (metrics.MeanAbsoluteError(), REAL, PROBS),
    (metrics.MeanAbsolutePercentageError(), REAL, PROBS),
    (metrics.MeanSquaredLogarithmicError(), REAL, PROBS),
    (metrics.RootMeanSquaredError(), REAL, PROBS),
    (metrics.CosineSimilarity(axis=-1), REAL, PROBS),
    (metrics.LogCoshError(), REAL, PROBS),
    (metrics.R2Score(class_aggregation="variance_weighted_average", num_regressors=1), REAL, PROBS),
    (metrics.BinaryCrossentropy(from_logits=True, label_smoothing=0.1), BINARY, PROBS),
    (metrics.CategoricalCrossentropy(label_smoothing=0.2), ONE_HOT, PROBS),
    (metrics.SparseCategoricalCrossentropy(ignore_class=1), LABELS, PROBS),
    (metrics.KLDivergence(), PROBS[::-1].copy(), PROBS),
    (metrics.Poisson(), REAL, PROBS),
    (metrics.Hinge(), BINARY, PROBS),
    (metrics.SquaredHinge(), BINARY, PROBS),
    (metrics.CategoricalHinge(), ONE_HOT, PROBS),
    (metrics.PrecisionAtRecall(recall=0.5, num_thresholds=20), BINARY, PROBS),
    (metrics.RecallAtPrecision(precision=0.4), BINARY, PROBS),
    (metrics.SensitivityAtSpecificity(specificity=0.3, class_id=1), BINARY, PROBS),
    (metrics.SpecificityAtSensitivity(sensitivity=0.6, num_thresholds=1), BINARY, PROBS),
    (metrics.IoU(num_classes=3, target_class_ids=[0, 2], ignore_class=1), LABELS, np.argmax(PROBS, axis=1)),
    (metrics.MeanIoU(num_classes=3, sparse_y_pred=False), LABELS, PROBS),
    (metrics.BinaryIoU(threshold=0.4), BINARY, PROBS),
    (metrics.OneHotIoU(num_classes=3, target_class_ids=[1]), ONE_HOT, PROBS),
    (metrics.OneHotMeanIoU(num_classes=3), ONE_HOT, PROBS),
    (metrics.PearsonCorrelation(), REAL, PROBS),
    (metrics.ConcordanceCorrelation(), REAL, PROBS),
]
IDS = [f"{type(metric).__name__}-{i}" for i, (metric, _, _) in enumerate(CASES)]


@pytest.fixture(params=["numpy"], autouse=True)
def backend(request):
    """The eager protocol on the reference backend; TestCompiled runs the same cases on JAX."""
    with oneiros.backend_scope(request.param) as active:
        yield active


def as_np(x) -> np.ndarray:
    return np.asarray(ops.to_numpy(x), dtype=np.float64)


def fresh(metric):
    """A new metric from ``metric``'s config."""
    return type(metric).from_config(metric.get_config())


def built_state(metric, y_true, y_pred):
    metric.build(ops.shape(ops.convert_to_tensor(y_true)), ops.shape(ops.convert_to_tensor(y_pred)))
    return metric.initial_state()


def test_every_registered_metric_class_is_covered():
    covered = {type(metric) for metric, _, _ in CASES}
    registered = {metrics.get(f"core>{item.rpartition(':')[2]}") for item in metrics.BUILTINS
                  if isinstance(item, str)}
    assert registered - covered == {metrics.Metric, metrics.Mean, metrics.Sum, metrics.MeanMetricWrapper}
    assert len(registered) - 2 >= 20


@pytest.mark.parametrize(("metric", "y_true", "y_pred"), CASES, ids=IDS)
def test_pure_update_leaves_the_state_alone_and_matches_update_state(metric, y_true, y_pred):
    metric = fresh(metric)
    state = built_state(metric, y_true, y_pred)
    before = {key: as_np(value) for key, value in state.items()}
    once = metric.update(state, y_true[:4], y_pred[:4], WEIGHTS[:4])
    twice = metric.update(once, y_true[4:], y_pred[4:], WEIGHTS[4:])
    for key, value in state.items():
        np.testing.assert_array_equal(as_np(value), before[key])
    stateful = fresh(metric)
    stateful.update_state(y_true[:4], y_pred[:4], WEIGHTS[:4])
    stateful.update_state(y_true[4:], y_pred[4:], WEIGHTS[4:])
    np.testing.assert_allclose(as_np(metric.compute(twice)), as_np(stateful.result()), rtol=1e-6)
    stateful.reset_state()
    for key, value in stateful.state.items():
        np.testing.assert_array_equal(as_np(value), before[key])


@pytest.mark.parametrize(("metric", "y_true", "y_pred"), CASES, ids=IDS)
def test_config_round_trip(metric, y_true, y_pred):
    config = metric.get_config()
    json.dumps(config)
    clone = type(metric).from_config(config)
    assert clone.get_config() == config
    metric = copy.deepcopy(metric)
    metric.update_state(y_true, y_pred, WEIGHTS)
    clone.update_state(y_true, y_pred, WEIGHTS)
    np.testing.assert_array_equal(as_np(clone.result()), as_np(metric.result()))


@pytest.mark.parametrize(("alias", "cls"), [
    ("acc", metrics.Accuracy), ("accuracy", metrics.Accuracy), ("auc", metrics.AUC),
    ("mse", metrics.MeanSquaredError), ("mae", metrics.MeanAbsoluteError),
    ("mape", metrics.MeanAbsolutePercentageError), ("msle", metrics.MeanSquaredLogarithmicError),
    ("binary_accuracy", metrics.BinaryAccuracy), ("sparse_categorical_accuracy", metrics.SparseCategoricalAccuracy),
    ("precision", metrics.Precision), ("f1_score", metrics.F1Score), ("r2_score", metrics.R2Score),
    ("sparse_categorical_crossentropy", metrics.SparseCategoricalCrossentropy),
    ("core>AUC", metrics.AUC),
])
def test_names_resolve_to_classes(alias, cls):
    assert metrics.get(alias) is cls


def test_default_names_are_keras_names():
    assert metrics.Accuracy().name == "accuracy"
    assert metrics.AUC().name == "auc"
    assert metrics.Precision().name == "precision"
    assert metrics.F1Score().name == "f1_score"
    assert metrics.RootMeanSquaredError().name == "root_mean_squared_error"
    assert metrics.LogCoshError().name == "logcosh"


def test_metric_dtype_must_be_float():
    with pytest.raises(ValueError, match="float"):
        metrics.Mean(dtype="int32")


class TestCompiled:
    """The pure functions under the backend's jit and fused steps, against numpy's eager run."""

    @pytest.fixture(params=["jax"], autouse=True)
    def backend(self, request):
        """Backends that compile pure functions."""
        with oneiros.backend_scope(request.param) as active:
            yield active

    @pytest.mark.parametrize(("metric", "y_true", "y_pred"), CASES, ids=IDS)
    def test_jitted_update_and_compute_match_numpy(self, metric, y_true, y_pred, backend):
        metric = fresh(metric)
        state = built_state(metric, y_true, y_pred)
        update, compute = backend.jit(metric.update), backend.jit(metric.compute)
        first, rest = slice(0, 3), slice(3, None)
        compiled = update(update(state, y_true[first], y_pred[first], WEIGHTS[first]),
                          y_true[rest], y_pred[rest], WEIGHTS[rest])
        with oneiros.backend_scope("numpy"):
            reference = fresh(metric)
            reference.update_state(y_true[first], y_pred[first], WEIGHTS[first])
            reference.update_state(y_true[rest], y_pred[rest], WEIGHTS[rest])
            expected = as_np(reference.result())
        np.testing.assert_allclose(as_np(compute(compiled)), expected, rtol=1e-5, atol=1e-6)

    def test_fused_steps_carry_the_state(self, backend):
        metric = metrics.AUC(num_thresholds=20)

        def step(state, batch):
            y_true, y_pred = batch
            state = metric.update(state, y_true, y_pred)
            return state, {"auc": metric.compute(state)}

        stacked = (BINARY.reshape(3, 2, 3), PROBS.reshape(3, 2, 3))
        _, logs = backend.fuse_steps(step, 3)(metric.initial_state(), stacked)
        expected = metrics.AUC(num_thresholds=20)
        expected.update_state(BINARY, PROBS)
        assert float(as_np(logs["auc"])) == pytest.approx(float(as_np(expected.result())), abs=1e-6)
