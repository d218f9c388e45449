"""Dropout, SpatialDropout1D/2D/3D, GaussianNoise, GaussianDropout and AlphaDropout: identity
outside training, reproducible per seed, and the right statistics while training."""

from __future__ import annotations

import math

import numpy as np
import pytest

from oneiros import layers, ops

RNG = np.random.default_rng(11)
BIG = RNG.uniform(0.5, 1.5, size=(20, 100)).astype("float32")


def numpy_of(value):
    return np.asarray(ops.to_numpy(value))


RANDOM_LAYERS = [
    lambda seed: layers.Dropout(0.3, seed=seed),
    lambda seed: layers.GaussianNoise(0.2, seed=seed),
    lambda seed: layers.GaussianDropout(0.3, seed=seed),
    lambda seed: layers.AlphaDropout(0.3, seed=seed),
]


@pytest.mark.parametrize("make", RANDOM_LAYERS, ids=["Dropout", "GaussianNoise", "GaussianDropout", "AlphaDropout"])
def test_identity_outside_training_and_reproducible_per_seed(backend, make):
    layer = make(5)
    np.testing.assert_array_equal(numpy_of(layer(BIG)), BIG)
    np.testing.assert_array_equal(numpy_of(layer(BIG, training=False)), BIG)
    state_before = layer.non_trainable_variables[0].numpy().copy()
    first = numpy_of(layer(BIG, training=True))
    assert not np.array_equal(layer.non_trainable_variables[0].numpy(), state_before)
    second = numpy_of(layer(BIG, training=True))
    assert not np.array_equal(first, BIG)
    assert not np.array_equal(first, second)
    twin = make(5)
    np.testing.assert_array_equal(numpy_of(twin(BIG, training=True)), first)
    other_seed = make(6)
    assert not np.array_equal(numpy_of(other_seed(BIG, training=True)), first)


def test_random_state_is_a_variable_not_a_weight_and_inference_does_not_advance_it(backend):
    layer = layers.Dropout(0.5, seed=1)
    assert layer.weights == [] and layer.get_weights() == []  # as in Keras: no weights at all
    assert [w.name for w in layer.non_trainable_variables] == ["seed_generator_state"]
    before = layer.non_trainable_variables[0].numpy().copy()
    layer(BIG)
    np.testing.assert_array_equal(layer.non_trainable_variables[0].numpy(), before)


def test_dropout_keeps_one_minus_rate_and_scales_the_kept(backend):
    rate = 0.3
    out = numpy_of(layers.Dropout(rate, seed=2)(BIG, training=True))
    dropped = out == 0
    assert abs(dropped.mean() - rate) < 0.04
    np.testing.assert_allclose(out[~dropped], BIG[~dropped] / (1 - rate), rtol=1e-6)


def test_dropout_noise_shape_shares_draws_along_size_one_axes(backend):
    x = np.ones((4, 6, 5), "float32")
    out = numpy_of(layers.Dropout(0.5, noise_shape=(None, 1, None), seed=3)(x, training=True))
    for step in range(6):
        np.testing.assert_array_equal(out[:, step], out[:, 0])
    assert set(np.unique(out)) <= {0.0, 2.0}


def test_dropout_edge_rates(backend):
    none = layers.Dropout(0.0)
    assert none.weights == []
    np.testing.assert_array_equal(numpy_of(none(BIG, training=True)), BIG)
    np.testing.assert_array_equal(numpy_of(layers.Dropout(1.0)(BIG, training=True)), np.zeros_like(BIG))
    with pytest.raises(ValueError, match=r"`rate` must be a finite number in \[0, 1\]; received rate=1.5"):
        layers.Dropout(1.5)
    with pytest.raises(ValueError, match="noise_shape"):
        layers.Dropout(0.5, noise_shape=(0, 1))


@pytest.mark.parametrize("cls, shape, channels_first", [
    ("SpatialDropout1D", (6, 5, 8), False),
    ("SpatialDropout2D", (6, 3, 3, 8), False),
    ("SpatialDropout2D", (6, 8, 3, 3), True),
    ("SpatialDropout3D", (6, 2, 2, 2, 8), False),
])
def test_spatial_dropout_drops_whole_channels(backend, cls, shape, channels_first):
    kwargs = {"data_format": "channels_first"} if channels_first else {}
    layer = getattr(layers, cls)(0.5, seed=4, **kwargs)
    x = np.ones(shape, "float32")
    out = numpy_of(layer(x, training=True))
    channel_axis = 1 if channels_first else len(shape) - 1
    spatial_axes = tuple(a for a in range(1, len(shape)) if a != channel_axis)
    per_channel_max = out.max(axis=spatial_axes)
    per_channel_min = out.min(axis=spatial_axes)
    np.testing.assert_array_equal(per_channel_max, per_channel_min)
    assert set(np.unique(per_channel_max)) == {0.0, 2.0}
    np.testing.assert_array_equal(numpy_of(layer(x)), x)
    with pytest.raises(ValueError, match=f"expected inputs with ndim={len(shape)}"):
        layer(np.ones((2, 3), "float32"))


def test_gaussian_noise_has_zero_mean_and_the_given_stddev(backend):
    noise = numpy_of(layers.GaussianNoise(0.5, seed=7)(BIG, training=True)) - BIG
    assert abs(noise.mean()) < 0.04
    assert abs(noise.std() - 0.5) < 0.03
    with pytest.raises(ValueError, match="stddev"):
        layers.GaussianNoise(-0.1)


def test_gaussian_dropout_multiplies_by_noise_of_mean_one(backend):
    rate = 0.2
    factor = numpy_of(layers.GaussianDropout(rate, seed=8)(BIG, training=True)) / BIG
    assert abs(factor.mean() - 1.0) < 0.03
    assert abs(factor.std() - math.sqrt(rate / (1 - rate))) < 0.03
    with pytest.raises(ValueError, match=r"\[0, 1\)"):
        layers.GaussianDropout(1.0)


def test_alpha_dropout_keeps_standard_normal_statistics(backend):
    rate = 0.2
    alpha_p = -1.6732632423543772 * 1.0507009873554805
    a = ((1 - rate) * (1 + rate * alpha_p**2)) ** -0.5
    b = -a * alpha_p * rate
    x = RNG.normal(size=(40, 100)).astype("float32")
    out = numpy_of(layers.AlphaDropout(rate, seed=9)(x, training=True))
    dropped = np.isclose(out, a * alpha_p + b, atol=1e-6)
    assert abs(dropped.mean() - rate) < 0.03
    np.testing.assert_allclose(out[~dropped], a * x[~dropped] + b, rtol=1e-5, atol=1e-6)
    assert abs(out.mean()) < 0.06
    assert abs(out.var() - 1.0) < 0.08
