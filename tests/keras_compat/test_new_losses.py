"""Dice, Tversky, categorical focal and generalized crossentropy and Circle against Keras 3 itself."""

from __future__ import annotations

import os

import numpy as np
import pytest

os.environ.setdefault("KERAS_BACKEND", "jax")
import keras  # noqa: E402

import oneiros as oi  # noqa: E402

RNG = np.random.default_rng(3)
MASKS = (RNG.uniform(size=(4, 6, 6, 1)) > 0.5).astype("float32")
SOFT_MASKS = RNG.uniform(size=(4, 6, 6, 1)).astype("float32")
ONE_HOT = np.eye(5, dtype="float32")[RNG.integers(0, 5, size=6)]
LOGITS = RNG.normal(size=(6, 5)).astype("float32")
PROBABILITIES = np.exp(LOGITS) / np.exp(LOGITS).sum(-1, keepdims=True)
LABELS = RNG.integers(0, 5, size=6)
EMBEDDINGS = RNG.normal(size=(8, 4)).astype("float32")
EMBEDDINGS /= np.linalg.norm(EMBEDDINGS, axis=1, keepdims=True)
GROUPS = np.array([0, 1, 0, 2, 1, 2, 0, 1])
WEIGHTS = RNG.uniform(size=6).astype("float32")
# Labels padded with 0 (the blank): repeats, an empty sequence and a full-length one.
CTC_LABELS = np.array([[1, 2, 2, 0], [3, 1, 0, 0], [0, 0, 0, 0], [2, 3, 1, 2], [4, 4, 4, 0], [1, 0, 0, 0]])
CTC_LOGITS = RNG.normal(size=(6, 9, 5)).astype("float32")

CASES = [
    ("Dice", {}, MASKS, SOFT_MASKS, None),
    ("Dice", {"axis": (1, 2, 3)}, MASKS, SOFT_MASKS, None),
    ("Tversky", {"alpha": 0.3, "beta": 0.7}, MASKS, SOFT_MASKS, None),
    ("Tversky", {"alpha": 0.7, "beta": 0.3, "axis": (1, 2)}, MASKS, SOFT_MASKS, None),
    ("CategoricalFocalCrossentropy", {}, ONE_HOT, PROBABILITIES, WEIGHTS),
    ("CategoricalFocalCrossentropy", {"from_logits": True, "gamma": 1.0, "alpha": 0.5,
                                      "label_smoothing": 0.1}, ONE_HOT, LOGITS, None),
    ("CategoricalGeneralizedCrossEntropy", {"q": 0.7}, LABELS, PROBABILITIES, WEIGHTS),
    ("Circle", {}, GROUPS, EMBEDDINGS, None),
    ("CTC", {}, CTC_LABELS, CTC_LOGITS, WEIGHTS),
    ("Circle", {"gamma": 10.0, "margin": 0.25, "remove_diagonal": False}, GROUPS, EMBEDDINGS, None),
]


@pytest.mark.parametrize("name,arguments,y_true,y_pred,sample_weight", CASES)
def test_loss_class_matches_keras(name, arguments, y_true, y_pred, sample_weight):
    ours = getattr(oi.losses, name)(**arguments)(y_true, y_pred, sample_weight=sample_weight)
    theirs = getattr(keras.losses, name)(**arguments)(y_true, y_pred, sample_weight=sample_weight)
    np.testing.assert_allclose(np.asarray(ours), keras.ops.convert_to_numpy(theirs), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name,arguments,y_true,y_pred", [
    ("dice", {}, MASKS, SOFT_MASKS), ("tversky", {"alpha": 0.2, "beta": 0.8, "axis": 1}, MASKS, SOFT_MASKS),
    ("categorical_focal_crossentropy", {"gamma": 3.0}, ONE_HOT, PROBABILITIES),
    ("categorical_generalized_cross_entropy", {"q": 0.3}, LABELS, PROBABILITIES),
    ("circle", {"gamma": 20.0}, GROUPS, EMBEDDINGS),
    ("ctc", {}, CTC_LABELS, CTC_LOGITS),
])
def test_loss_function_matches_keras(name, arguments, y_true, y_pred):
    ours = getattr(oi.losses, name)(y_true, y_pred, **arguments)
    theirs = getattr(keras.losses, name)(y_true, y_pred, **arguments)
    np.testing.assert_allclose(np.asarray(ours), keras.ops.convert_to_numpy(theirs), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name,arguments", [(name, arguments) for name, arguments, *_ in CASES])
def test_config_round_trips_and_matches_keras_keys(name, arguments):
    loss = getattr(oi.losses, name)(**arguments)
    rebuilt = oi.losses.deserialize(oi.losses.serialize(loss))
    assert rebuilt.get_config() == loss.get_config()
    # Keras leaves "dtype" out of the config while it is None; Oneiros's losses always write it.
    assert set(loss.get_config()) - {"dtype"} == set(getattr(keras.losses, name)(**arguments).get_config())


def test_generalized_crossentropy_refuses_q_outside_the_open_interval():
    with pytest.raises(ValueError, match=r"q in \(0, 1\); received q=1.5"):
        oi.losses.CategoricalGeneralizedCrossEntropy(q=1.5)


def test_dice_refuses_mismatched_shapes_naming_them():
    with pytest.raises(ValueError, match=r"dice: y_true has shape \(4, 6, 6, 1\)"):
        oi.losses.dice(MASKS, SOFT_MASKS[:, :3])


def test_circle_refuses_embeddings_that_are_not_a_matrix():
    with pytest.raises(ValueError, match=r"expected y_pred of shape \(batch, embedding_dim\)"):
        oi.losses.circle(GROUPS, EMBEDDINGS[:, :, None])


def test_ctc_matches_a_sum_over_every_alignment():
    """Brute force: every frame-by-frame path that collapses (merge repeats, drop blanks) to the labels."""
    import itertools

    labels, logits = [2, 2], RNG.normal(size=(1, 5, 3))
    log_probabilities = logits[0] - np.log(np.exp(logits[0]).sum(-1, keepdims=True))
    total = 0.0
    for path in itertools.product(range(3), repeat=5):
        collapsed = [c for i, c in enumerate(path) if c != 0 and (i == 0 or c != path[i - 1])]
        if collapsed == labels:
            total += np.exp(sum(log_probabilities[t, c] for t, c in enumerate(path)))
    np.testing.assert_allclose(np.asarray(oi.losses.ctc(np.array([labels]), logits.astype("float32"))),
                               [-np.log(total)], rtol=1e-5)


def test_ctc_refuses_labels_that_are_not_a_matrix():
    with pytest.raises(ValueError, match=r"expected y_true of shape \(batch, max_label_length\)"):
        oi.losses.ctc(CTC_LABELS[0], CTC_LOGITS)


def test_ctc_gradient_matches_keras():
    jax = pytest.importorskip("jax")

    def total(loss):
        return lambda logits: jax.numpy.sum(loss(CTC_LABELS, logits))

    with oi.backend_scope("jax"):
        ours = jax.grad(total(oi.losses.ctc))(jax.numpy.asarray(CTC_LOGITS))
    theirs = jax.grad(total(keras.losses.ctc))(jax.numpy.asarray(CTC_LOGITS))
    np.testing.assert_allclose(np.asarray(ours), np.asarray(theirs), atol=1e-5)
