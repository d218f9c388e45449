"""Channels-last results that MXNet keeps channels-first (oneiros_mxnet._layout) behave exactly
like channels-last tensors: checked against the numpy reference on chains of layers."""

from __future__ import annotations

import numpy as np
import oneiros as oi
import pytest
from oneiros import layers, ops

RNG = np.random.default_rng(5)


def _chain(inputs):
    conv = layers.get("Conv2D")
    hidden = conv(6, 3, activation="relu", padding="same")(inputs)
    pooled = layers.get("MaxPooling2D")(2)(hidden)
    branch = conv(6, 1)(pooled)
    merged = layers.Add()([layers.Activation("tanh")(pooled), branch])
    normalized = layers.BatchNormalization()(merged)
    scores = layers.Activation("softmax")(conv(3, 2, use_bias=False)(normalized))
    return layers.Dense(2)(layers.Flatten()(scores))


def test_a_convolutional_graph_computes_what_the_numpy_reference_computes(mxnet_backend):
    inputs = oi.Input((8, 7, 3))
    model = oi.Model(inputs, _chain(inputs))
    x = RNG.normal(size=(4, 8, 7, 3)).astype(np.float32)
    on_mxnet = model.predict(x, verbose=0)
    weights = model.get_weights()
    with oi.backend_scope("numpy"):
        reference_inputs = oi.Input((8, 7, 3))
        reference = oi.Model(reference_inputs, _chain(reference_inputs))
        reference.set_weights(weights)
        expected = reference.predict(x, verbose=0)
    np.testing.assert_allclose(on_mxnet, expected, rtol=1e-4, atol=1e-5)


def test_a_convolution_output_is_a_channels_last_tensor(mxnet_backend):
    x = RNG.normal(size=(2, 5, 5, 3)).astype(np.float32)
    kernel = RNG.normal(size=(3, 3, 3, 4)).astype(np.float32)
    bias = RNG.normal(size=(4,)).astype(np.float32)
    out = ops.conv(ops.convert_to_tensor(x), ops.convert_to_tensor(kernel))
    assert ops.is_tensor(out) and ops.shape(out) == (2, 3, 3, 4) and ops.dtype(out) == "float32"
    assert ops.convert_to_tensor(out) is out
    with oi.backend_scope("numpy"):
        expected = ops.to_numpy(ops.conv(x, kernel))
    biased = ops.add(out, ops.convert_to_tensor(bias))
    np.testing.assert_allclose(ops.to_numpy(biased), expected + bias, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(ops.to_numpy(out), expected, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(ops.to_numpy(ops.softmax(out)), _softmax(expected), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(np.asarray(out)[1, 2], expected[1, 2], rtol=1e-5, atol=1e-5)


def _softmax(values: np.ndarray) -> np.ndarray:
    shifted = np.exp(values - values.max(axis=-1, keepdims=True))
    return shifted / shifted.sum(axis=-1, keepdims=True)


def _relu_pool_loss(inputs, kernel, bias, upstream, pool_args, materialize=False):
    activated = ops.relu(ops.add(ops.conv(inputs, kernel), bias))
    if materialize:
        ops.to_numpy(activated)  # a relu that ran already is pooled as it is
    return ops.sum(ops.multiply(ops.max_pool(activated, *pool_args), upstream))


def _float64_relu_pool(x, kernel, bias, upstream):
    """conv ('valid', stride 1) + bias, relu, 2x2 max pooling, weighted sum, in float64 loops."""
    rows, cols = x.shape[1] - kernel.shape[0] + 1, x.shape[2] - kernel.shape[1] + 1
    conv = np.zeros((x.shape[0], rows, cols, kernel.shape[-1]))
    for i in range(rows):
        for j in range(cols):
            window = x[:, i:i + kernel.shape[0], j:j + kernel.shape[1], :]
            conv[:, i, j, :] = np.tensordot(window, kernel, axes=([1, 2, 3], [0, 1, 2]))
    activated = np.maximum(conv + bias, 0)
    pooled = activated[:, :rows // 2 * 2, :cols // 2 * 2].reshape(x.shape[0], rows // 2, 2, cols // 2, 2, -1)
    return float(np.sum(pooled.max(axis=(2, 4)) * upstream))


def test_max_pooling_reads_through_a_pending_relu_with_its_values_and_gradients(mxnet_backend):
    # The pooling runs before the relu here (see _layout); the oracles relu first.
    x = RNG.normal(size=(2, 7, 6, 2))
    kernel = RNG.normal(size=(2, 2, 2, 3))
    bias = np.array([0.5, -0.2, 0.0])
    upstream = RNG.normal(size=(2, 3, 2, 3))
    params = [ops.convert_to_tensor(kernel.astype(np.float32)), ops.convert_to_tensor(bias.astype(np.float32))]
    inputs = ops.convert_to_tensor(x.astype(np.float32))
    weights = ops.convert_to_tensor(upstream.astype(np.float32))
    value, (kernel_grad, _) = mxnet_backend.value_and_grad(
        lambda p: _relu_pool_loss(inputs, p[0], p[1], weights, (2,)))(params)
    assert float(ops.to_numpy(value)) == pytest.approx(_float64_relu_pool(x, kernel, bias, upstream), rel=1e-5)
    step = 1e-6
    numeric = np.zeros_like(kernel)
    for index in np.ndindex(kernel.shape):
        up, down = kernel.copy(), kernel.copy()
        up[index] += step
        down[index] -= step
        numeric[index] = (_float64_relu_pool(x, up, bias, upstream) - _float64_relu_pool(x, down, bias, upstream)) / (2 * step)
    np.testing.assert_allclose(ops.to_numpy(kernel_grad), numeric, rtol=1e-4, atol=1e-4)


def test_a_relu_pooled_after_it_ran_gives_the_same_values_and_gradients(mxnet_backend):
    x = ops.convert_to_tensor(RNG.normal(size=(2, 8, 7, 2)).astype(np.float32))
    params = [ops.convert_to_tensor(RNG.normal(size=(3, 3, 2, 4)).astype(np.float32)),
              ops.convert_to_tensor(RNG.normal(size=(4,)).astype(np.float32))]
    upstream = ops.convert_to_tensor(RNG.normal(size=(2, 3, 3, 4)).astype(np.float32))
    results = [mxnet_backend.value_and_grad(
        lambda p, done=materialize: _relu_pool_loss(x, p[0], p[1], upstream, (3, 2, "same"), done))(params)
        for materialize in (False, True)]
    (first_value, first_grads), (second_value, second_grads) = results
    assert float(ops.to_numpy(first_value)) == float(ops.to_numpy(second_value))
    for first, second in zip(first_grads, second_grads):
        np.testing.assert_array_equal(ops.to_numpy(first), ops.to_numpy(second))
