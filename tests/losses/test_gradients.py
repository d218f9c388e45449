"""Losses inside ``value_and_grad`` and ``jit`` on a trainable backend, against analytic gradients."""

from __future__ import annotations

import numpy as np
import pytest

import oneiros
from oneiros import losses, ops

RNG = np.random.default_rng(23)
LOGITS = RNG.normal(size=(5, 4)).astype(np.float32)
LABELS = np.array([0, 3, 1, 2, 2])
ONE_HOT = np.eye(4, dtype=np.float32)[LABELS]
BINARY = RNG.integers(0, 2, size=(5, 4)).astype(np.float32)


@pytest.fixture(params=["jax"], autouse=True)
def backend(request):
    """Only trainable backends compute gradients."""
    with oneiros.backend_scope(request.param) as active:
        yield active


def softmax(x):
    shifted = np.exp(x - x.max(axis=-1, keepdims=True))
    return shifted / shifted.sum(axis=-1, keepdims=True)


def gradient(backend, loss, y_true, y_pred):
    _, grads = backend.value_and_grad(lambda logits: loss(y_true, logits))(ops.convert_to_tensor(y_pred))
    return np.asarray(ops.to_numpy(grads), np.float64)


def test_categorical_crossentropy_from_logits(backend):
    # d/dx mean_b(-sum y log softmax(x)) = (softmax(x) - y) / batch
    grads = gradient(backend, losses.CategoricalCrossentropy(from_logits=True), ONE_HOT, LOGITS)
    np.testing.assert_allclose(grads, (softmax(LOGITS) - ONE_HOT) / 5, rtol=1e-5, atol=1e-7)


def test_binary_crossentropy_from_logits(backend):
    # d/dx of the mean over all 20 entries: (sigmoid(x) - y) / 20
    grads = gradient(backend, losses.BinaryCrossentropy(from_logits=True), BINARY, LOGITS)
    np.testing.assert_allclose(grads, (1 / (1 + np.exp(-LOGITS)) - BINARY) / 20, rtol=1e-5, atol=1e-7)


def test_sparse_categorical_crossentropy_with_ignored_rows(backend):
    labels = np.array([0, -1, 1, -1, 2])
    loss = losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=-1)
    grads = gradient(backend, loss, labels, LOGITS)
    # 3 valid rows share the mean; ignored rows get no gradient at all
    expected = (softmax(LOGITS) - np.eye(4)[np.maximum(labels, 0)]) / 3
    expected[labels == -1] = 0.0
    np.testing.assert_allclose(grads, expected, rtol=1e-5, atol=1e-7)


def test_huber_gradient_is_the_clipped_error(backend):
    targets = np.zeros_like(LOGITS)
    grads = gradient(backend, losses.Huber(delta=0.5), targets, LOGITS)
    np.testing.assert_allclose(grads, np.clip(LOGITS, -0.5, 0.5) / 20, rtol=1e-5, atol=1e-7)


def test_jitted_loss_equals_eager(backend):
    loss = losses.BinaryFocalCrossentropy(from_logits=True, apply_class_balancing=True)
    compiled = backend.jit(lambda y_true, y_pred, weights: loss(y_true, y_pred, sample_weight=weights))
    weights = np.linspace(0.5, 1.5, 5).astype(np.float32)
    np.testing.assert_allclose(np.asarray(ops.to_numpy(compiled(BINARY, LOGITS, weights))),
                               np.asarray(ops.to_numpy(loss(BINARY, LOGITS, sample_weight=weights))),
                               rtol=1e-6)
