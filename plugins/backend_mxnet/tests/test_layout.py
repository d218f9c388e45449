"""Channels-last results that MXNet keeps channels-first (oneiros_mxnet._layout) behave exactly
like channels-last tensors: checked against the numpy reference on chains of layers."""

from __future__ import annotations

import numpy as np
import oneiros as oi
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
