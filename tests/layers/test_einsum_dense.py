"""EinsumDense: kernel, bias and output shapes for each equation form, and outputs against
matmul/loop oracles with known weights."""

from __future__ import annotations

import numpy as np
import pytest

import oneiros as oi
from oneiros import initializers, layers, ops
from oneiros.layers.layer import collecting_losses

RNG = np.random.default_rng(9)
X = RNG.normal(size=(2, 3, 4)).astype("float32")


def numpy_of(value):
    return np.asarray(ops.to_numpy(value))


def with_known_weights(layer, x):
    layer(x)
    weights = [RNG.normal(size=w.shape).astype("float32") for w in layer.weights]
    layer.set_weights(weights)
    return weights


def test_a_plain_dense(backend):
    layer = layers.EinsumDense("ab,bc->ac", output_shape=5, bias_axes="c", activation="relu")
    kernel, bias = with_known_weights(layer, X[:, 0])
    assert kernel.shape == (4, 5) and bias.shape == (5,)
    np.testing.assert_allclose(numpy_of(layer(X[:, 0])), np.maximum(X[:, 0] @ kernel + bias, 0), rtol=1e-5,
                               atol=1e-6)


def test_a_dense_over_each_step_of_a_sequence(backend):
    layer = layers.EinsumDense("abc,cd->abd", output_shape=(None, 5), bias_axes="d")
    kernel, bias = with_known_weights(layer, X)
    expected = np.stack([np.stack([X[b, t] @ kernel + bias for t in range(3)]) for b in range(2)])
    np.testing.assert_allclose(numpy_of(layer(X)), expected, rtol=1e-5, atol=1e-6)


def test_a_kernel_with_two_output_axes(backend):
    layer = layers.EinsumDense("abc,cde->abde", output_shape=(None, 2, 3), bias_axes="de")
    kernel, bias = with_known_weights(layer, X)
    assert kernel.shape == (4, 2, 3) and bias.shape == (2, 3)
    expected = np.zeros((2, 3, 2, 3), "float32")
    for b in range(2):
        for t in range(3):
            for d in range(2):
                for e in range(3):
                    expected[b, t, d, e] = sum(X[b, t, c] * kernel[c, d, e] for c in range(4)) + bias[d, e]
    np.testing.assert_allclose(numpy_of(layer(X)), expected, rtol=1e-5, atol=1e-5)


def test_left_ellipsis(backend):
    layer = layers.EinsumDense("...b,bc->...c", output_shape=5)
    (kernel,) = with_known_weights(layer, X)
    np.testing.assert_allclose(numpy_of(layer(X)), X @ kernel, rtol=1e-5, atol=1e-6)
    assert layer(oi.Input((3, 4))).shape == (None, 3, 5)


def test_right_ellipsis(backend):
    layer = layers.EinsumDense("ab...,bc->ac...", output_shape=5, bias_axes="c")
    kernel, bias = with_known_weights(layer, X)
    assert kernel.shape == (3, 5) and bias.shape == (5, 1)
    expected = np.stack([kernel.T @ X[b] + bias for b in range(2)])
    np.testing.assert_allclose(numpy_of(layer(X)), expected, rtol=1e-5, atol=1e-6)
    assert layer(oi.Input((3, 4))).shape == (None, 5, 4)


def test_bias_covers_the_output_from_its_first_bias_axis():
    layer = layers.EinsumDense("abc,cde->abde", output_shape=(None, 2, 3), bias_axes="d")
    layer(X)
    assert layer.bias.shape == (2, 1)
    assert layer.compute_output_shape((None, 3, 4)) == (None, 3, 2, 3)


def test_kernel_fans_count_the_contracted_and_produced_axes():
    initializer = initializers.VarianceScaling(scale=1.0, mode="fan_in", distribution="uniform", seed=1)
    layer = layers.EinsumDense("abc,cde->abde", output_shape=(None, 8, 16), kernel_initializer=initializer)
    layer(X)
    limit = np.sqrt(3.0 / 4)
    kernel = np.abs(layer.kernel.numpy())
    assert kernel.max() <= limit and kernel.max() > 0.9 * limit
    assert layer.get_config()["kernel_initializer"]["config"]["input_axes"] is None


def test_activity_regularizer_adds_a_per_sample_penalty(backend):
    layer = layers.EinsumDense("ab,bc->ac", output_shape=3, activity_regularizer=oi.regularizers.L2(0.5))
    with collecting_losses() as losses:
        out = numpy_of(layer(X[:, 0]))
    np.testing.assert_allclose(float(numpy_of(losses[0])), 0.5 * (out**2).sum() / 2, rtol=1e-5)


def test_equation_and_shape_errors():
    with pytest.raises(ValueError, match=r"`equation` must have the form .*received equation='ab->b'"):
        layers.EinsumDense("ab->b", output_shape=2)
    with pytest.raises(ValueError, match=r"EinsumDense 'shaped' with equation 'abc,cd->abd': output_shape \(5,\) "
                                         r"must give 2 sizes"):
        layers.EinsumDense("abc,cd->abd", output_shape=5, name="shaped")(X)
    with pytest.raises(ValueError, match=r"axis 'b' has size 3 in the inputs but 7 in output_shape"):
        layers.EinsumDense("abc,cd->abd", output_shape=(7, 5))(X)
    with pytest.raises(ValueError, match=r"bias_axes 'z' name axes \['z'\]"):
        layers.EinsumDense("abc,cd->abd", output_shape=(None, 5), bias_axes="z")(X)
    with pytest.raises(ValueError, match=r"do not fit inputs of shape \(2, 4\)"):
        layers.EinsumDense("abc,cd->abd", output_shape=(None, 5))(X[:, 0])
