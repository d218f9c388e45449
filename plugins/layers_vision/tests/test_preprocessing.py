"""Rescaling, Resizing, CenterCrop and RandomCrop against numpy index arithmetic and the
half-pixel bilinear oracle."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from oneiros import layers, ops
from oneiros.testing import check_layer

RNG = np.random.default_rng(9)
LAST, FIRST = "channels_last", "channels_first"


def numpy_of(value):
    return np.asarray(ops.to_numpy(value), dtype=np.float64)


def block_mean(images, factor):
    n, h, w, c = images.shape
    return images.reshape(n, h // factor, factor, w // factor, factor, c).mean(axis=(2, 4))


def test_rescaling_maps_uint8_pixels_to_floats(backend):
    pixels = RNG.integers(0, 256, size=(2, 3, 3, 3)).astype("uint8")
    out = layers.Rescaling(1 / 127.5, offset=-1)(pixels)
    assert ops.dtype(out) == "float32"
    np.testing.assert_allclose(numpy_of(out), pixels / 127.5 - 1, rtol=1e-6, atol=1e-6)
    per_channel = layers.Rescaling([1.0, 2.0, 3.0], offset=[0.0, 0.5, 1.0])(pixels)
    np.testing.assert_allclose(numpy_of(per_channel), pixels * np.array([1, 2, 3]) + np.array([0, 0.5, 1]),
                               rtol=1e-6)


@pytest.mark.parametrize("data_format", [LAST, FIRST])
def test_resizing_nearest_upscale_repeats_and_bilinear_downscale_averages_blocks(backend, data_format):
    images = RNG.normal(size=(2, 4, 6, 3)).astype("float32")
    as_format = (lambda x: np.moveaxis(x, -1, 1)) if data_format == FIRST else (lambda x: x)
    back = (lambda x: np.moveaxis(x, 1, -1)) if data_format == FIRST else (lambda x: x)
    nearest = back(numpy_of(layers.Resizing(8, 12, interpolation="nearest", data_format=data_format)(
        as_format(images))))
    np.testing.assert_array_equal(nearest, images.repeat(2, axis=1).repeat(2, axis=2))
    bilinear = back(numpy_of(layers.Resizing(2, 3, data_format=data_format)(as_format(images))))
    np.testing.assert_allclose(bilinear, block_mean(images, 2), rtol=1e-5, atol=1e-6)


def test_resizing_bilinear_to_odd_sizes_follows_half_pixel_centres(backend, bilinear_oracle):
    image = RNG.normal(size=(5, 7, 2)).astype("float32")
    got = numpy_of(layers.Resizing(3, 4)(image))
    np.testing.assert_allclose(got, bilinear_oracle(image, 3, 4), rtol=1e-5, atol=1e-5)


def test_crop_to_aspect_ratio_takes_the_centred_window_then_resizes(backend):
    images = RNG.normal(size=(2, 6, 10, 1)).astype("float32")
    got = numpy_of(layers.Resizing(3, 3, crop_to_aspect_ratio=True)(images))
    np.testing.assert_allclose(got, block_mean(images[:, :, 2:8], 2), rtol=1e-5, atol=1e-6)


def test_pad_to_aspect_ratio_pads_evenly_with_the_fill_value(backend):
    images = RNG.normal(size=(1, 4, 2, 1)).astype("float32")
    got = numpy_of(layers.Resizing(4, 4, pad_to_aspect_ratio=True, fill_value=7.0)(images))
    expected = np.full((1, 4, 4, 1), 7.0)
    expected[:, :, 1:3] = images
    np.testing.assert_array_equal(got, expected)


def test_center_crop_cuts_the_odd_pixel_at_the_bottom_right(backend):
    images = RNG.normal(size=(2, 7, 8, 3)).astype("float32")
    got = numpy_of(layers.CenterCrop(4, 4)(images))
    np.testing.assert_array_equal(got, images[:, 1:5, 2:6])
    channels_first = numpy_of(layers.CenterCrop(4, 4, data_format=FIRST)(np.moveaxis(images, -1, 1)))
    np.testing.assert_array_equal(channels_first, np.moveaxis(images[:, 1:5, 2:6], -1, 1))


def test_center_crop_of_a_smaller_image_resizes_it(backend, bilinear_oracle):
    image = RNG.normal(size=(4, 6, 1)).astype("float32")
    got = numpy_of(layers.CenterCrop(8, 8)(image))
    np.testing.assert_allclose(got, bilinear_oracle(image[:, 1:5], 8, 8), rtol=1e-5, atol=1e-5)


def test_random_crop_takes_one_window_per_batch_while_training(backend):
    images = RNG.normal(size=(3, 8, 9, 2)).astype("float32")
    layer = layers.RandomCrop(5, 4, seed=3)
    offsets = set()
    for _ in range(12):
        got = numpy_of(layer(images, training=True))
        matches = [(top, left) for top, left in itertools.product(range(4), range(6))
                   if np.array_equal(got, images[:, top:top + 5, left:left + 4])]
        assert len(matches) == 1
        offsets.add(matches[0])
    assert len(offsets) > 3
    again = layers.RandomCrop(5, 4, seed=3)
    first = numpy_of(again(images, training=True))
    np.testing.assert_array_equal(first, numpy_of(layers.RandomCrop(5, 4, seed=3)(images, training=True)))


def test_random_crop_outside_training_resizes_the_centred_aspect_window(backend):
    images = RNG.normal(size=(2, 8, 12, 1)).astype("float32")
    got = numpy_of(layers.RandomCrop(4, 4, seed=1)(images))
    np.testing.assert_allclose(got, block_mean(images[:, :, 2:10], 2), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize(("cls", "kwargs", "input_shape", "output_shape", "non_trainable"), [
    (layers.Rescaling, {"scale": 0.5, "offset": 1.0}, (2, 3, 3, 1), (2, 3, 3, 1), 0),
    (layers.Resizing, {"height": 3, "width": 5, "interpolation": "nearest"}, (2, 6, 4, 2), (2, 3, 5, 2), 0),
    (layers.CenterCrop, {"height": 2, "width": 3, "data_format": FIRST}, (2, 1, 4, 5), (2, 1, 2, 3), 0),
    (layers.RandomCrop, {"height": 2, "width": 2, "seed": 1}, (2, 4, 4, 1), (2, 2, 2, 1), 0),
], ids=["Rescaling", "Resizing", "CenterCrop", "RandomCrop"])
def test_check_layer(jax_backend, cls, kwargs, input_shape, output_shape, non_trainable):
    check_layer(cls, kwargs, input_shape=input_shape, expected_output_shape=output_shape,
                expected_num_trainable_weights=0, expected_num_non_trainable_weights=non_trainable)


@pytest.mark.parametrize(("make", "message"), [
    (lambda: layers.Resizing(0, 3), "height"),
    (lambda: layers.Resizing(3, 3, interpolation="bicubic"), "interpolation"),
    (lambda: layers.Resizing(3, 3, crop_to_aspect_ratio=True, pad_to_aspect_ratio=True), "exclude"),
    (lambda: layers.Rescaling("1/255"), "scale"),
    (lambda: layers.CenterCrop(3, -1), "width"),
])
def test_bad_arguments_are_refused(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_images_must_have_rank_3_or_4(jax_backend):
    with pytest.raises(ValueError, match="rank 3"):
        layers.Resizing(2, 2)(np.zeros((1, 1, 4, 4, 1), "float32"))
