"""Activation, Identity, Flatten, Reshape, Permute, RepeatVector and ActivityRegularization
against hand-written numpy versions of their math."""

from __future__ import annotations

import numpy as np
import pytest

import oneiros as oi
from oneiros import layers, ops
from oneiros.layers.layer import collecting_losses

RNG = np.random.default_rng(7)
X3 = RNG.normal(size=(2, 3, 4)).astype("float32")


def numpy_of(value):
    return np.asarray(ops.to_numpy(value))


def test_activation_applies_the_named_function(backend):
    relu = layers.Activation("relu")
    softmax = layers.Activation("softmax")
    np.testing.assert_allclose(numpy_of(relu(X3)), np.where(X3 > 0, X3, 0.0))
    exp = np.exp(X3 - X3.max(axis=-1, keepdims=True))
    np.testing.assert_allclose(numpy_of(softmax(X3)), exp / exp.sum(axis=-1, keepdims=True), rtol=1e-5)


def test_identity_returns_its_inputs_and_any_structure(backend):
    identity = layers.Identity()
    np.testing.assert_array_equal(numpy_of(identity(X3)), X3)
    pair = identity([X3, X3[:, 0]])
    assert [numpy_of(p).shape for p in pair] == [(2, 3, 4), (2, 4)]


def test_flatten_channels_last_and_first(backend):
    x = RNG.normal(size=(2, 3, 2, 4)).astype("float32")
    np.testing.assert_array_equal(numpy_of(layers.Flatten()(x)), x.reshape(2, 24))
    first = numpy_of(layers.Flatten(data_format="channels_first")(x))
    expected = np.stack([[x[b, c, h, w] for h in range(2) for w in range(4) for c in range(3)] for b in range(2)])
    np.testing.assert_array_equal(first, expected)
    np.testing.assert_array_equal(numpy_of(layers.Flatten()(x[:, 0, 0, 0])), x[:, 0, 0, 0].reshape(2, 1))


def test_reshape_resolves_minus_one_and_rejects_wrong_sizes(backend):
    np.testing.assert_array_equal(numpy_of(layers.Reshape((-1, 2))(X3)), X3.reshape(2, 6, 2))
    np.testing.assert_array_equal(numpy_of(layers.Reshape((4, 3))(X3)), X3.reshape(2, 4, 3))
    assert layers.Reshape((-1, 2)).compute_output_shape((None, 3, 4)) == (None, 6, 2)
    assert layers.Reshape((-1, 2)).compute_output_shape((None, None, 4)) == (None, None, 2)
    with pytest.raises(ValueError, match=r"cannot reshape samples of shape \(3, 4\).*\(5, -1\)"):
        layers.Reshape((5, -1))(X3)
    with pytest.raises(ValueError, match="target_shape"):
        layers.Reshape((-1, -1))


def test_permute_moves_axes_like_a_transpose_loop(backend):
    out = numpy_of(layers.Permute((2, 1))(X3))
    assert out.shape == (2, 4, 3)
    for b in range(2):
        for i in range(4):
            for j in range(3):
                assert out[b, i, j] == X3[b, j, i]
    with pytest.raises(ValueError, match="permutation of 1..n"):
        layers.Permute((0, 1))


def test_repeat_vector_repeats_each_sample(backend):
    x = X3[:, 0]
    out = numpy_of(layers.RepeatVector(3)(x))
    assert out.shape == (2, 3, 4)
    for step in range(3):
        np.testing.assert_array_equal(out[:, step], x)
    with pytest.raises(ValueError, match=r"`n` must be an int >= 1; received n=0"):
        layers.RepeatVector(0)


def test_activity_regularization_adds_its_penalty_divided_by_batch(backend):
    layer = layers.ActivityRegularization(l1=0.1, l2=0.01)
    with collecting_losses() as losses:
        out = layer(X3)
    np.testing.assert_array_equal(numpy_of(out), X3)
    expected = (0.1 * np.abs(X3).sum() + 0.01 * (X3**2).sum()) / 2
    assert len(losses) == 1
    np.testing.assert_allclose(float(numpy_of(losses[0])), expected, rtol=1e-5)


def test_layout_layers_keep_integer_dtypes(backend):
    tokens = oi.Input((2, 3), dtype="int32")
    for layer in (layers.Flatten(), layers.Reshape((6,)), layers.Permute((2, 1)), layers.Identity()):
        assert layer(tokens).dtype == "int32"
    assert layers.RepeatVector(2)(oi.Input((3,), dtype="int32")).dtype == "int32"
    assert layers.Flatten()(oi.Input((2, 3), dtype="float16")).dtype == "float32"
    ids = np.arange(12, dtype="int32").reshape(2, 2, 3)
    out = layers.Reshape((6,))(ids)
    assert ops.dtype(out) == "int32"
    np.testing.assert_array_equal(numpy_of(out), ids.reshape(2, 6))
