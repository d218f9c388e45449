"""BatchNormalization, LayerNormalization, GroupNormalization, RMSNormalization and
UnitNormalization against hand-written numpy statistics, with known weights."""

from __future__ import annotations

import numpy as np
import pytest

import oneiros as oi
from oneiros import layers, ops

RNG = np.random.default_rng(5)
X = RNG.normal(2.0, 3.0, size=(2, 3, 4)).astype("float32")
GAMMA = RNG.uniform(0.5, 1.5, size=4).astype("float32")
BETA = RNG.normal(size=4).astype("float32")


def numpy_of(value):
    return np.asarray(ops.to_numpy(value))


def per_feature_stats(x, feature_axis, mask=None):
    """Mean and population variance of each feature over every other axis, by explicit loops."""
    moved = np.moveaxis(x, feature_axis, -1).astype(np.float64)
    keep = np.ones(moved.shape[:-1], bool) if mask is None else mask
    means, variances = [], []
    for f in range(moved.shape[-1]):
        values = [v for v, k in zip(moved[..., f].ravel(), keep.ravel()) if k]
        mean = sum(values) / len(values)
        means.append(mean)
        variances.append(sum((v - mean) ** 2 for v in values) / len(values))
    return np.array(means), np.array(variances)


def test_batch_normalization_inference_uses_the_moving_statistics(backend):
    layer = layers.BatchNormalization(epsilon=1e-3)
    layer(X)
    moving_mean = RNG.normal(size=4).astype("float32")
    moving_variance = RNG.uniform(0.5, 2.0, size=4).astype("float32")
    layer.set_weights([GAMMA, BETA, moving_mean, moving_variance])
    expected = (X - moving_mean) / np.sqrt(moving_variance + 1e-3) * GAMMA + BETA
    np.testing.assert_allclose(numpy_of(layer(X)), expected, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(numpy_of(layer(X, training=False)), expected, rtol=1e-5, atol=1e-5)
    np.testing.assert_array_equal(layer.moving_mean.numpy(), moving_mean)


def test_batch_normalization_training_normalizes_with_the_batch_and_updates_moving_stats(backend):
    layer = layers.BatchNormalization(momentum=0.9, epsilon=1e-3)
    layer(X)
    old_mean = RNG.normal(size=4).astype("float32")
    old_variance = RNG.uniform(0.5, 2.0, size=4).astype("float32")
    layer.set_weights([GAMMA, BETA, old_mean, old_variance])
    out = numpy_of(layer(X, training=True))
    mean, variance = per_feature_stats(X, -1)
    np.testing.assert_allclose(out, (X - mean) / np.sqrt(variance + 1e-3) * GAMMA + BETA, rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(layer.moving_mean.numpy(), old_mean * 0.9 + mean * 0.1, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(layer.moving_variance.numpy(), old_variance * 0.9 + variance * 0.1, rtol=1e-5)


def test_frozen_batch_normalization_runs_in_inference_mode(backend):
    layer = layers.BatchNormalization(trainable=False)
    out = numpy_of(layer(X, training=True))
    np.testing.assert_allclose(out, X / np.sqrt(1 + 1e-3), rtol=1e-5)
    np.testing.assert_array_equal(layer.moving_mean.numpy(), np.zeros(4, "float32"))
    assert layer.trainable_weights == [] and len(layer.non_trainable_weights) == 4


def test_batch_normalization_on_axis_one(backend):
    layer = layers.BatchNormalization(axis=1, momentum=0.5, center=False, scale=False)
    out = numpy_of(layer(X, training=True))
    mean, variance = per_feature_stats(X, 1)
    expected = (X - mean[None, :, None]) / np.sqrt(variance[None, :, None] + 1e-3)
    np.testing.assert_allclose(out, expected, rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(layer.moving_mean.numpy(), mean * 0.5, rtol=1e-5)
    assert [w.name for w in layer.weights] == ["moving_mean", "moving_variance"]


def test_batch_normalization_leaves_masked_steps_out_of_the_statistics(backend):
    mask = np.array([[True, False, True], [True, True, False]])
    layer = layers.BatchNormalization(momentum=0.0)
    layer(X, training=True, mask=mask)
    mean, variance = per_feature_stats(X, -1, mask)
    np.testing.assert_allclose(layer.moving_mean.numpy(), mean, rtol=1e-5)
    np.testing.assert_allclose(layer.moving_variance.numpy(), variance, rtol=1e-4)
    with pytest.raises(ValueError, match=r"mask with one axis fewer than its inputs; received mask shape \(2,\)"):
        layer(X, training=True, mask=np.ones(2, bool))


def test_batch_normalization_argument_errors():
    with pytest.raises(ValueError, match="synchronized=True"):
        layers.BatchNormalization(synchronized=True)
    with pytest.raises(ValueError, match=r"axis 3 is out of bounds for inputs of rank 3"):
        layers.BatchNormalization(axis=3)(X)


def layer_norm_oracle(x, axes, epsilon, gamma=None, beta=None):
    mean = x.mean(axis=axes, keepdims=True)
    variance = ((x - mean) ** 2).mean(axis=axes, keepdims=True)
    out = (x - mean) / np.sqrt(variance + epsilon)
    return out * (1 if gamma is None else gamma) + (0 if beta is None else beta)


def test_layer_normalization_over_the_last_axis(backend):
    layer = layers.LayerNormalization()
    layer(X)
    layer.set_weights([GAMMA, BETA])
    np.testing.assert_allclose(numpy_of(layer(X)), layer_norm_oracle(X, -1, 1e-3, GAMMA, BETA), rtol=1e-4,
                               atol=1e-5)


def test_layer_normalization_over_several_axes(backend):
    layer = layers.LayerNormalization(axis=[1, 2], epsilon=0.01)
    layer(X)
    gamma = RNG.uniform(0.5, 1.5, size=(3, 4)).astype("float32")
    beta = RNG.normal(size=(3, 4)).astype("float32")
    layer.set_weights([gamma, beta])
    np.testing.assert_allclose(numpy_of(layer(X)), layer_norm_oracle(X, (1, 2), 0.01, gamma, beta), rtol=1e-4,
                               atol=1e-5)
    bare = layers.LayerNormalization(axis=1, center=False, scale=False)
    np.testing.assert_allclose(numpy_of(bare(X)), layer_norm_oracle(X, 1, 1e-3), rtol=1e-4, atol=1e-5)
    assert bare.weights == []


def test_layer_normalization_rms_scaling_keeps_the_keras_formula(backend):
    with pytest.warns(UserWarning, match="RMSNormalization"):
        layer = layers.LayerNormalization(rms_scaling=True)
    layer(X)
    assert [w.name for w in layer.weights] == ["gamma"]
    layer.set_weights([GAMMA])
    variance = X.var(axis=-1, keepdims=True)
    np.testing.assert_allclose(numpy_of(layer(X)), X / np.sqrt(variance + 1e-3) * GAMMA, rtol=1e-4)


def group_norm_oracle(x, groups, epsilon, gamma, beta):
    """Channels-last group normalization by loops over samples and groups."""
    out = np.empty_like(x, dtype=np.float64)
    channels = x.shape[-1]
    size = channels // groups
    for b in range(x.shape[0]):
        for g in range(groups):
            block = x[b, ..., g * size:(g + 1) * size].astype(np.float64)
            normalized = (block - block.mean()) / np.sqrt(block.var() + epsilon)
            out[b, ..., g * size:(g + 1) * size] = normalized
    return out * gamma + beta


@pytest.mark.parametrize("groups, count", [(2, 2), (-1, 4), (1, 1)])
def test_group_normalization_channels_last(backend, groups, count):
    layer = layers.GroupNormalization(groups=groups)
    layer(X)
    layer.set_weights([GAMMA, BETA])
    np.testing.assert_allclose(numpy_of(layer(X)), group_norm_oracle(X, count, 1e-3, GAMMA, BETA), rtol=1e-4,
                               atol=1e-4)


def test_group_normalization_channels_first(backend):
    x = np.moveaxis(X, -1, 1).copy()
    layer = layers.GroupNormalization(groups=2, axis=1, center=False)
    layer(x)
    layer.set_weights([GAMMA])
    expected = np.moveaxis(group_norm_oracle(X, 2, 1e-3, GAMMA, 0.0), -1, 1)
    np.testing.assert_allclose(numpy_of(layer(x)), expected, rtol=1e-4, atol=1e-4)


def test_group_normalization_errors():
    with pytest.raises(ValueError, match=r"4 channels .* cannot be split into groups=3 equal groups"):
        layers.GroupNormalization(groups=3)(X)
    with pytest.raises(ValueError, match="groups"):
        layers.GroupNormalization(groups=0)


def test_rms_normalization(backend):
    layer = layers.RMSNormalization()
    layer(X)
    layer.set_weights([GAMMA])
    expected = X / np.sqrt((X**2).mean(axis=-1, keepdims=True) + 1e-6) * GAMMA
    np.testing.assert_allclose(numpy_of(layer(X)), expected, rtol=1e-5)
    two_axes = layers.RMSNormalization(axis=[1, 2], epsilon=0.5)
    expected = X / np.sqrt((X**2).mean(axis=(1, 2), keepdims=True) + 0.5)
    np.testing.assert_allclose(numpy_of(two_axes(X)), expected, rtol=1e-5)


def test_unit_normalization(backend):
    norms = np.sqrt((X**2).sum(axis=-1, keepdims=True))
    np.testing.assert_allclose(numpy_of(layers.UnitNormalization()(X)), X / norms, rtol=1e-5)
    norms = np.sqrt((X**2).sum(axis=(1, 2), keepdims=True))
    np.testing.assert_allclose(numpy_of(layers.UnitNormalization(axis=[1, 2])(X)), X / norms, rtol=1e-5)
    np.testing.assert_array_equal(numpy_of(layers.UnitNormalization()(np.zeros((2, 4), "float32"))),
                                  np.zeros((2, 4), "float32"))


def test_normalization_output_shapes_with_an_unknown_batch():
    for layer in (layers.BatchNormalization(), layers.LayerNormalization(axis=[1, 2]),
                  layers.GroupNormalization(groups=2), layers.RMSNormalization(), layers.UnitNormalization()):
        assert layer(oi.Input((3, 4))).shape == (None, 3, 4)
