"""A plain loss function (``compile(loss=fn)``, ``LossFunctionWrapper(fn)``) receives targets and
predictions whose ranks differ by a trailing axis of size 1 aligned, as in Keras 3: keras-io's
contrastive loss, written for equal shapes, would otherwise broadcast labels ``(n,)`` against
scores ``(n, 1)`` to ``(n, n)``; and a function that returns one number for the batch (that
loss does) is weighted per sample like Keras (the number times the mean weight). Keras itself (KERAS_BACKEND=jax) is the oracle."""

from __future__ import annotations

import os

import numpy as np
import pytest

os.environ.setdefault("KERAS_BACKEND", "jax")
import keras  # noqa: E402
from keras.src.losses.losses import LossFunctionWrapper as KerasLossFunctionWrapper  # noqa: E402 (not public)

import oneiros as oi  # noqa: E402

RNG = np.random.default_rng(3)


def contrastive(library, margin=1.0):
    """keras-io's loss factory: the mean over the batch, written for equal shapes."""
    ops = library.ops

    def contrastive_loss(y_true, y_pred):
        square_pred = ops.square(y_pred)
        margin_square = ops.square(ops.maximum(margin - y_pred, 0))
        return ops.mean((1 - y_true) * square_pred + y_true * margin_square)

    return contrastive_loss


def squared_gap(library):
    """Per-sample losses: the squared difference summed over the last axis."""
    return lambda y_true, y_pred: library.ops.sum(library.ops.square(y_true - y_pred), axis=-1)


@pytest.mark.parametrize("function", [contrastive, squared_gap])
@pytest.mark.parametrize(("true_shape", "pred_shape"), [
    ((6,), (6, 1)), ((6, 1), (6,)), ((6, 1), (6, 1)), ((6, 3), (6, 3, 1)), ((6, 3), (6, 3)),
])
def test_ranks_are_aligned_like_keras(function, true_shape, pred_shape):
    """Keras's compile wraps a function in this class (not public in keras.losses)."""
    y_true = RNG.integers(0, 2, size=true_shape).astype("float32")
    y_pred = RNG.uniform(size=pred_shape).astype("float32")
    weights = RNG.uniform(size=(6,)).astype("float32")
    expected = KerasLossFunctionWrapper(function(keras))(y_true, y_pred, sample_weight=weights)
    received = oi.losses.LossFunctionWrapper(function(oi))(y_true, y_pred, sample_weight=weights)
    np.testing.assert_allclose(oi.ops.to_numpy(received), np.asarray(expected), rtol=1e-6)


def test_a_compiled_function_loss_evaluates_like_keras(backend):
    x = RNG.normal(size=(20, 4)).astype("float32")
    labels = RNG.integers(0, 2, size=(20,)).astype("float32")
    results = []
    for library in (keras, oi):
        model = library.Sequential([library.Input((4,)), library.layers.Dense(1, activation="sigmoid")])
        model.set_weights([np.full((4, 1), 0.3, "float32"), np.zeros((1,), "float32")])
        model.compile(loss=contrastive(library), optimizer="sgd")
        results.append(model.evaluate(x, labels, batch_size=8, verbose=0))
    np.testing.assert_allclose(results[1], results[0], rtol=1e-6)


@pytest.mark.parametrize("reduction", ["sum_over_batch_size", "sum", "mean_with_sample_weight", "none"])
def test_a_batch_mean_is_weighted_per_sample_like_keras(reduction):
    y_true = RNG.integers(0, 2, size=(5, 1)).astype("float32")
    y_pred = RNG.uniform(size=(5, 1)).astype("float32")
    weights = RNG.uniform(size=(5,)).astype("float32")
    expected = KerasLossFunctionWrapper(contrastive(keras), reduction=reduction)(y_true, y_pred, sample_weight=weights)
    received = oi.losses.LossFunctionWrapper(contrastive(oi), reduction=reduction)(y_true, y_pred,
                                                                                  sample_weight=weights)
    np.testing.assert_allclose(oi.ops.to_numpy(received), np.asarray(expected), rtol=1e-6)
