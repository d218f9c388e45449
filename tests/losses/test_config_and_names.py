"""Configs round-trip, names resolve through the registry, and bad shapes fail early and clearly."""

from __future__ import annotations

import json

import numpy as np
import pytest

from oneiros import losses, ops
from oneiros.errors import OpError

RNG = np.random.default_rng(5)
Y_TRUE = RNG.integers(0, 2, size=(3, 4)).astype(np.float32)
Y_PRED = RNG.uniform(0.1, 0.9, size=(3, 4)).astype(np.float32)

CONFIGURED = [
    losses.MeanSquaredError(reduction="sum", name="a"),
    losses.MeanAbsoluteError(reduction=None),
    losses.MeanAbsolutePercentageError(reduction="mean_with_sample_weight"),
    losses.MeanSquaredLogarithmicError(dtype="float16"),
    losses.Huber(delta=0.25),
    losses.LogCosh(),
    losses.CosineSimilarity(axis=0),
    losses.BinaryCrossentropy(from_logits=True, label_smoothing=0.1, axis=0),
    losses.BinaryFocalCrossentropy(apply_class_balancing=True, alpha=0.4, gamma=1.5),
    losses.CategoricalCrossentropy(label_smoothing=0.2),
    losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=2),
    losses.KLDivergence(),
    losses.Poisson(),
    losses.Hinge(),
    losses.SquaredHinge(),
    losses.CategoricalHinge(),
    losses.LossFunctionWrapper(losses.mean_squared_error, reduction="sum"),
]


def as_np(x) -> np.ndarray:
    return np.asarray(ops.to_numpy(x), dtype=np.float64)


@pytest.mark.parametrize("loss", CONFIGURED, ids=[type(loss).__name__ for loss in CONFIGURED])
def test_config_round_trip(loss):
    config = loss.get_config()
    json.dumps(config)
    clone = type(loss).from_config(config)
    assert clone.get_config() == config
    labels = np.array([0, 1, 0]) if isinstance(loss, losses.SparseCategoricalCrossentropy) else Y_TRUE
    np.testing.assert_array_equal(as_np(clone(labels, Y_PRED)), as_np(loss(labels, Y_PRED)))


def test_configs_use_keras_keys():
    assert losses.BinaryCrossentropy(from_logits=True).get_config() == {
        "name": "binary_crossentropy", "reduction": "sum_over_batch_size", "dtype": "float32",
        "from_logits": True, "label_smoothing": 0.0, "axis": -1}
    assert losses.SparseCategoricalCrossentropy(ignore_class=-1).get_config() == {
        "name": "sparse_categorical_crossentropy", "reduction": "sum_over_batch_size",
        "dtype": "float32", "from_logits": False, "ignore_class": -1, "axis": -1}
    assert losses.Huber().get_config()["delta"] == 1.0
    wrapped = losses.LossFunctionWrapper(losses.huber, delta=0.5).get_config()
    assert wrapped["fn"] == "core>huber" and wrapped["delta"] == 0.5


def test_default_names_are_keras_names():
    assert losses.MeanSquaredError().name == "mean_squared_error"
    assert losses.Huber().name == "huber_loss"
    assert losses.KLDivergence().name == "kl_divergence"
    assert losses.BinaryFocalCrossentropy().name == "binary_focal_crossentropy"


@pytest.mark.parametrize(("alias", "function_name"), [
    ("mse", "mean_squared_error"), ("mae", "mean_absolute_error"),
    ("mape", "mean_absolute_percentage_error"), ("msle", "mean_squared_logarithmic_error"),
    ("kld", "kl_divergence"), ("bce", "binary_crossentropy"), ("MSE", "mean_squared_error"),
    ("logcosh", "log_cosh"),
])
def test_short_names_resolve_to_function_forms(alias, function_name):
    assert losses.get(alias) is losses.get(function_name)
    assert losses.get(f"core>{alias}") is getattr(losses, function_name)


@pytest.mark.parametrize("name", [
    "binary_crossentropy", "categorical_crossentropy", "sparse_categorical_crossentropy",
    "binary_focal_crossentropy", "huber", "log_cosh", "poisson", "hinge", "squared_hinge",
    "categorical_hinge", "cosine_similarity", "kl_divergence",
])
def test_function_names_resolve_to_functions(name):
    fn = losses.get(name)
    assert callable(fn) and not isinstance(fn, type) and fn.__name__ == name


def test_classes_resolve_by_name_and_attribute():
    assert losses.get("CategoricalCrossentropy") is losses.CategoricalCrossentropy
    assert losses.get("core>Huber") is losses.Huber
    assert issubclass(losses.Huber, losses.Loss)
    classes = [losses.get(f"core>{item.rpartition(':')[2]}") for item in losses.BUILTINS if isinstance(item, str)]
    class_names = [obj.__name__ for obj in classes if isinstance(obj, type)]
    assert len(class_names) - 2 >= 15  # besides Loss and LossFunctionWrapper


def test_loss_function_wrapper_from_a_registered_name():
    wrapper = losses.LossFunctionWrapper.from_config({"fn": "core>mean_absolute_error", "name": "w"})
    assert wrapper.fn is losses.mean_absolute_error
    # per-sample |0 - 1| = 1 and |0 - 3| = 3, mean 2
    assert as_np(wrapper([[0.0], [0.0]], [[1.0], [3.0]])) == pytest.approx(2.0)


def _refused(loss, y_true, y_pred) -> str:
    with pytest.raises(ValueError) as info:
        loss(y_true, y_pred)
    assert not isinstance(info.value, OpError), "the shape check must come before any op"
    return str(info.value)


@pytest.mark.parametrize("loss", [
    losses.MeanSquaredError(), losses.MeanAbsoluteError(), losses.MeanAbsolutePercentageError(),
    losses.MeanSquaredLogarithmicError(), losses.Huber(), losses.LogCosh(), losses.CosineSimilarity(),
    losses.BinaryCrossentropy(), losses.BinaryFocalCrossentropy(), losses.CategoricalCrossentropy(),
    losses.KLDivergence(), losses.Poisson(), losses.Hinge(), losses.SquaredHinge(),
    losses.CategoricalHinge(),
], ids=lambda loss: type(loss).__name__)
def test_mismatched_shapes_name_the_loss_and_both_shapes(loss):
    message = _refused(loss, np.zeros((4, 3), np.float32), np.zeros((4, 2), np.float32))
    assert loss.function.__name__ in message
    assert "(4, 3)" in message and "(4, 2)" in message and "expected" in message


def test_broadcastable_but_different_shapes_are_refused():
    # (4, 1) labels against (4, 3) predictions would silently broadcast in Keras
    message = _refused(losses.MeanSquaredError(), np.zeros((4, 1)), np.zeros((4, 3)))
    assert "(4, 1)" in message and "(4, 3)" in message


def test_sparse_labels_of_the_wrong_shape():
    message = _refused(losses.SparseCategoricalCrossentropy(), np.zeros((4, 2)), np.zeros((4, 3)))
    assert "sparse_categorical_crossentropy" in message and "(4, 2)" in message
    assert "(4,)" in message


def test_categorical_crossentropy_hints_at_sparse_labels():
    message = _refused(losses.CategoricalCrossentropy(), np.zeros((4,)), np.zeros((4, 3)))
    assert "sparse_categorical_crossentropy" in message


def test_scalar_inputs_are_refused():
    message = _refused(losses.MeanSquaredError(), 1.0, 2.0)
    assert "rank >= 1" in message


def test_invalid_axis_is_refused():
    message = _refused(losses.CosineSimilarity(axis=2), np.ones((4, 3)), np.ones((4, 3)))
    assert "axis=2" in message
