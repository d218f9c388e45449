"""UpSampling, ZeroPadding and Cropping against hand-written numpy index arithmetic."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from oneiros import layers, ops
from oneiros.testing import check_layer

RNG = np.random.default_rng(5)
LAST, FIRST = "channels_last", "channels_first"


def numpy_of(value):
    return np.asarray(ops.to_numpy(value), dtype=np.float64)


def channels_last(x, data_format):
    return np.moveaxis(x, 1, -1) if data_format == FIRST else x


def restore(x, data_format):
    return np.moveaxis(x, -1, 1) if data_format == FIRST else x


@pytest.mark.parametrize(("cls", "size", "spatial", "data_format"), [
    (layers.UpSampling1D, 3, (4,), LAST),
    (layers.UpSampling2D, (2, 3), (3, 2), FIRST),
    (layers.UpSampling3D, (1, 2, 2), (2, 3, 2), LAST),
])
def test_nearest_upsampling_copies_each_element(backend, cls, size, spatial, data_format):
    rank = len(spatial)
    factors = (size,) * rank if isinstance(size, int) else size
    x = RNG.normal(size=(2, *spatial, 3) if data_format == LAST else (2, 3, *spatial)).astype("float32")
    got = channels_last(numpy_of(cls(size, data_format=data_format)(x)), data_format)
    source = channels_last(x, data_format)
    assert got.shape == (2, *(s * f for s, f in zip(spatial, factors)), 3)
    for position in itertools.product(*map(range, got.shape[1:-1])):
        np.testing.assert_array_equal(got[(slice(None), *position)],
                                      source[(slice(None), *(p // f for p, f in zip(position, factors)))])


@pytest.mark.parametrize("data_format", [LAST, FIRST])
def test_bilinear_upsampling2d_interpolates_with_half_pixel_centres(backend, bilinear_oracle, data_format):
    x = RNG.normal(size=(2, 3, 4, 2) if data_format == LAST else (2, 2, 3, 4)).astype("float32")
    layer = layers.UpSampling2D((2, 3), data_format=data_format, interpolation="bilinear")
    got = channels_last(numpy_of(layer(x)), data_format)
    source = channels_last(x, data_format)
    expected = np.stack([bilinear_oracle(image, 6, 12) for image in source])
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize(("cls", "padding", "pairs", "data_format"), [
    (layers.ZeroPadding1D, 2, ((2, 2),), LAST),
    (layers.ZeroPadding1D, (1, 3), ((1, 3),), FIRST),
    (layers.ZeroPadding2D, (1, 2), ((1, 1), (2, 2)), LAST),
    (layers.ZeroPadding2D, ((0, 1), (3, 0)), ((0, 1), (3, 0)), FIRST),
    (layers.ZeroPadding3D, 1, ((1, 1),) * 3, LAST),
])
def test_zero_padding_places_the_input_inside_zeros(backend, cls, padding, pairs, data_format):
    spatial = (3, 4, 2)[:len(pairs)]
    x = RNG.normal(size=(2, *spatial, 3) if data_format == LAST else (2, 3, *spatial)).astype("float32")
    got = channels_last(numpy_of(cls(padding, data_format=data_format)(x)), data_format)
    source = channels_last(x, data_format)
    expected = np.zeros((2, *(s + a + b for s, (a, b) in zip(spatial, pairs)), 3))
    for position in itertools.product(*map(range, spatial)):
        expected[(slice(None), *(p + a for p, (a, _) in zip(position, pairs)))] = source[(slice(None), *position)]
    np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize(("cls", "cropping", "pairs", "data_format"), [
    (layers.Cropping1D, (1, 2), ((1, 2),), LAST),
    (layers.Cropping2D, ((1, 0), (2, 1)), ((1, 0), (2, 1)), FIRST),
    (layers.Cropping2D, 1, ((1, 1), (1, 1)), LAST),
    (layers.Cropping3D, (1, 0, 2), ((1, 1), (0, 0), (2, 2)), LAST),
])
def test_cropping_removes_the_borders(backend, cls, cropping, pairs, data_format):
    spatial = (5, 6, 7)[:len(pairs)]
    x = RNG.normal(size=(2, *spatial, 3) if data_format == LAST else (2, 3, *spatial)).astype("float32")
    layer = cls(cropping, data_format=data_format)
    got = channels_last(numpy_of(layer(x)), data_format)
    source = channels_last(x, data_format)
    sizes = tuple(s - a - b for s, (a, b) in zip(spatial, pairs))
    assert got.shape == (2, *sizes, 3) and tuple(layer.compute_output_shape(x.shape)) == restore(got, data_format).shape
    for position in itertools.product(*map(range, sizes)):
        np.testing.assert_array_equal(got[(slice(None), *position)],
                                      source[(slice(None), *(p + a for p, (a, _) in zip(position, pairs)))])


@pytest.mark.parametrize(("cls", "kwargs", "input_shape", "output_shape"), [
    (layers.UpSampling2D, {"size": 2, "interpolation": "bilinear"}, (2, 3, 3, 2), (2, 6, 6, 2)),
    (layers.UpSampling1D, {"size": 2}, (2, 3, 2), (2, 6, 2)),
    (layers.ZeroPadding2D, {"padding": ((1, 0), (0, 2))}, (2, 3, 3, 2), (2, 4, 5, 2)),
    (layers.Cropping2D, {"cropping": ((1, 0), (0, 1)), "data_format": FIRST}, (2, 2, 4, 4), (2, 2, 3, 3)),
    (layers.Cropping1D, {"cropping": (1, 1)}, (2, 5, 2), (2, 3, 2)),
], ids=["UpSampling2D", "UpSampling1D", "ZeroPadding2D", "Cropping2D", "Cropping1D"])
def test_check_layer(jax_backend, cls, kwargs, input_shape, output_shape):
    check_layer(cls, kwargs, input_shape=input_shape, expected_output_shape=output_shape,
                expected_num_trainable_weights=0)


@pytest.mark.parametrize(("make", "message"), [
    (lambda: layers.UpSampling1D(2, interpolation="bilinear"), "interpolation"),
    (lambda: layers.UpSampling2D(0), "size"),
    (lambda: layers.ZeroPadding2D(((1, 2, 3), (0, 0))), "padding"),
    (lambda: layers.ZeroPadding1D(-1), "padding"),
    (lambda: layers.Cropping2D("1"), "cropping"),
])
def test_bad_arguments_are_refused(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_cropping_everything_is_refused(jax_backend):
    with pytest.raises(ValueError, match="leaves nothing"):
        layers.Cropping1D((2, 3))(np.zeros((1, 5, 1), "float32"))
