"""Random augmentation layers: identity outside training, reproducible per seed, and exact
geometry against numpy (np.rot90, np.pad's extension modes, hand-written sampling)."""

from __future__ import annotations

import numpy as np
import pytest

import oneiros as oi
from oneiros import layers, ops
from oneiros.testing import check_layer

RNG = np.random.default_rng(13)
IMAGES = RNG.uniform(0, 255, size=(4, 9, 9, 3)).astype("float32")
# Keras fill mode -> the numpy.pad mode that extends an image the same way.
NUMPY_PAD_MODES = {"constant": "constant", "nearest": "edge", "reflect": "symmetric", "mirror": "reflect",
                   "wrap": "wrap"}


def numpy_of(value):
    return np.asarray(ops.to_numpy(value), dtype=np.float64)


RANDOM_LAYERS = {
    "RandomFlip": lambda seed: layers.RandomFlip(seed=seed),
    "RandomRotation": lambda seed: layers.RandomRotation(0.2, seed=seed),
    "RandomTranslation": lambda seed: layers.RandomTranslation(0.3, 0.3, seed=seed),
    "RandomZoom": lambda seed: layers.RandomZoom(0.4, seed=seed),
    "RandomContrast": lambda seed: layers.RandomContrast(0.5, seed=seed),
    "RandomBrightness": lambda seed: layers.RandomBrightness(0.3, seed=seed),
    "RandomCrop": lambda seed: layers.RandomCrop(6, 6, seed=seed),
}


@pytest.mark.parametrize("name", sorted(RANDOM_LAYERS))
def test_identity_outside_training_and_reproducible_per_seed(backend, name):
    make = RANDOM_LAYERS[name]
    layer = make(5)
    if name != "RandomCrop":
        np.testing.assert_array_equal(numpy_of(layer(IMAGES)), IMAGES)
        np.testing.assert_array_equal(numpy_of(layer(IMAGES, training=False)), IMAGES)
    state = layer.non_trainable_variables[0].numpy().copy()
    layer(IMAGES)
    np.testing.assert_array_equal(layer.non_trainable_variables[0].numpy(), state)

    def three_draws(augmenter):
        return np.stack([numpy_of(augmenter(IMAGES, training=True)) for _ in range(3)])

    draws = three_draws(layer)
    assert not np.array_equal(layer.non_trainable_variables[0].numpy(), state)
    assert not np.array_equal(draws[0], draws[1]) or not np.array_equal(draws[1], draws[2])
    np.testing.assert_array_equal(three_draws(make(5)), draws)
    assert not np.array_equal(three_draws(make(6)), draws)


def test_unbatched_images_are_augmented_too(backend):
    layer = layers.RandomRotation((0.25, 0.25), seed=1)
    np.testing.assert_allclose(numpy_of(layer(IMAGES[0], training=True)), np.rot90(IMAGES[0]), atol=1e-3)


@pytest.mark.parametrize(("mode", "axes"), [("horizontal", [(2,)]), ("vertical", [(1,)]),
                                            ("horizontal_and_vertical", [(1,), (2,), (1, 2)])])
def test_random_flip_flips_each_image_independently(backend, mode, axes):
    images = RNG.normal(size=(32, 4, 5, 2)).astype("float32")
    got = numpy_of(layers.RandomFlip(mode, seed=2)(images, training=True))
    kinds = []
    for original, flipped in zip(images, got):
        candidates = [()] + [tuple(a - 1 for a in axis) for axis in axes]
        kinds.append(next(i for i, axis in enumerate(candidates)
                          if np.array_equal(flipped, np.flip(original, axis) if axis else original)))
    assert set(kinds) == set(range(len(axes) + 1))


@pytest.mark.parametrize("interpolation", ["nearest", "bilinear"])
@pytest.mark.parametrize(("turns", "quarter_turns"), [(0.25, 1), (0.5, 2), (-0.25, 3)])
def test_rotation_by_quarter_turns_is_rot90(backend, interpolation, turns, quarter_turns):
    layer = layers.RandomRotation((turns, turns), interpolation=interpolation, seed=0)
    got = numpy_of(layer(IMAGES, training=True))
    np.testing.assert_allclose(got, np.rot90(IMAGES, quarter_turns, axes=(1, 2)), atol=1e-3)


@pytest.mark.parametrize("fill_mode", sorted(NUMPY_PAD_MODES))
@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
def test_whole_pixel_translation_extends_the_image_like_numpy_pad(backend, fill_mode, data_format):
    images = RNG.normal(size=(2, 6, 7, 2)).astype("float32")
    layer = layers.RandomTranslation((0.5, 0.5), (-3 / 7, -3 / 7), fill_mode=fill_mode, fill_value=-5.0,
                                     interpolation="nearest", data_format=data_format, seed=0)
    inputs = images if data_format == "channels_last" else np.moveaxis(images, -1, 1)
    got = numpy_of(layer(inputs, training=True))
    got = got if data_format == "channels_last" else np.moveaxis(got, 1, -1)
    margin = 9
    pad_kwargs = {"constant_values": -5.0} if fill_mode == "constant" else {}
    extended = np.pad(images, [(0, 0), (margin, margin), (margin, margin), (0, 0)], mode=NUMPY_PAD_MODES[fill_mode],
                      **pad_kwargs)
    # Content moves down 3 rows and left 3 columns: output (y, x) shows input (y - 3, x + 3).
    expected = extended[:, margin - 3:margin - 3 + 6, margin + 3:margin + 3 + 7]
    np.testing.assert_allclose(got, expected, atol=1e-5)


def test_half_pixel_translation_averages_neighbours(backend):
    images = RNG.normal(size=(1, 8, 8, 1)).astype("float32")
    layer = layers.RandomTranslation((0.0625, 0.0625), (0.0, 0.0), fill_mode="nearest", seed=0)
    got = numpy_of(layer(images, training=True))
    above = np.concatenate([images[:, :1], images[:, :-1]], axis=1)
    np.testing.assert_allclose(got, (images + above) / 2, rtol=1e-5, atol=1e-5)


def zoom_oracle(image, zoom_y, zoom_x, fill_value):
    """Output (y, x) samples the input at centre + zoom * (output - centre), bilinearly, with
    points outside the image taken as ``fill_value``."""
    height, width = image.shape[:2]
    centre_y, centre_x = (height - 1) / 2, (width - 1) / 2

    def pixel(row, column):
        inside = 0 <= row < height and 0 <= column < width
        return image[row, column] if inside else np.full(image.shape[2], fill_value)

    out = np.zeros(image.shape)
    for y in range(height):
        for x in range(width):
            source_y, source_x = centre_y + zoom_y * (y - centre_y), centre_x + zoom_x * (x - centre_x)
            top, left = int(np.floor(source_y)), int(np.floor(source_x))
            wy, wx = source_y - top, source_x - left
            out[y, x] = ((1 - wy) * ((1 - wx) * pixel(top, left) + wx * pixel(top, left + 1))
                         + wy * ((1 - wx) * pixel(top + 1, left) + wx * pixel(top + 1, left + 1)))
    return out


@pytest.mark.parametrize(("height_factor", "width_factor", "zoom_y", "zoom_x"), [
    ((1.0, 1.0), None, 2.0, 2.0),
    ((-0.5, -0.5), None, 0.5, 0.5),
    ((0.3, 0.3), (-0.25, -0.25), 1.3, 0.75),
])
def test_zoom_samples_a_scaled_grid_about_the_centre(backend, height_factor, width_factor, zoom_y, zoom_x):
    images = RNG.normal(size=(2, 7, 8, 2)).astype("float32")
    layer = layers.RandomZoom(height_factor, width_factor, fill_mode="constant", fill_value=0.5, seed=0)
    got = numpy_of(layer(images, training=True))
    expected = np.stack([zoom_oracle(image, zoom_y, zoom_x, 0.5) for image in images])
    np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-4)


def test_contrast_scales_each_images_deviation_from_its_channel_means(backend):
    images = RNG.uniform(100, 150, size=(8, 5, 6, 3)).astype("float32")
    got = numpy_of(layers.RandomContrast((0.3, 0.6), value_range=(-1000, 1000), seed=4)(images, training=True))
    factors = []
    for image, out in zip(images, got):
        deviation = image - image.mean(axis=(0, 1))
        factor = float((deviation * (out - image.mean(axis=(0, 1)))).sum() / (deviation ** 2).sum())
        np.testing.assert_allclose(out, deviation * factor + image.mean(axis=(0, 1)), rtol=1e-4, atol=1e-2)
        factors.append(factor)
    assert all(0.7 - 1e-4 <= f <= 1.6 + 1e-4 for f in factors) and np.ptp(factors) > 0.05


def test_contrast_and_brightness_clip_to_the_value_range(backend):
    images = RNG.uniform(0, 1, size=(8, 4, 4, 1)).astype("float32")
    contrasted = numpy_of(layers.RandomContrast(1.0, value_range=(0, 1), seed=1)(images, training=True))
    brightened = numpy_of(layers.RandomBrightness((0.5, 0.9), value_range=(0, 1), seed=1)(images, training=True))
    for result in (contrasted, brightened):
        assert result.min() >= 0 and result.max() <= 1
    assert (brightened == 1).mean() > 0.4


def test_brightness_adds_one_delta_per_image_scaled_by_the_value_range(backend):
    images = RNG.uniform(100, 150, size=(8, 3, 4, 3)).astype("float32")
    got = numpy_of(layers.RandomBrightness((-0.2, 0.1), value_range=(0, 255), seed=3)(images, training=True))
    deltas = (got - images).reshape(8, -1)
    np.testing.assert_allclose(deltas, deltas[:, :1] * np.ones_like(deltas), atol=1e-3)
    assert all(-0.2 * 255 - 1e-3 <= d <= 0.1 * 255 + 1e-3 for d in deltas[:, 0]) and np.ptp(deltas[:, 0]) > 1


@pytest.mark.parametrize("name", sorted(set(RANDOM_LAYERS) - {"RandomCrop"}))
def test_check_layer(jax_backend, name):
    make = RANDOM_LAYERS[name]
    layer = make(1)
    config = {key: value for key, value in layer.get_config().items() if key not in ("name", "trainable", "dtype")}
    check_layer(type(layer), config, input_shape=(2, 5, 5, 3), expected_output_shape=(2, 5, 5, 3),
                expected_num_trainable_weights=0, expected_num_non_trainable_weights=0)


def test_augmentation_runs_inside_compiled_training_and_advances_its_seed(jax_backend):
    oi.set_random_seed(0)
    model = oi.Sequential([
        layers.Input((9, 9, 3)),
        layers.RandomFlip("horizontal", seed=1),
        layers.RandomRotation(0.05, seed=2),
        layers.RandomZoom(0.1, seed=3),
        layers.Rescaling(1 / 255),
        layers.Conv2D(2, 3, activation="relu"),
        layers.GlobalAveragePooling2D(),
        layers.Dense(2, activation="softmax"),
    ])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    flip = model.layers[0]
    state = flip.non_trainable_variables[0].numpy().copy()
    before = model.predict(IMAGES, verbose=0)
    history = model.fit(IMAGES, np.array([0, 1, 0, 1]), epochs=2, batch_size=2, verbose=0)
    assert np.isfinite(history.history["loss"]).all()
    assert not np.array_equal(flip.non_trainable_variables[0].numpy(), state)
    after_state = flip.non_trainable_variables[0].numpy().copy()
    model.predict(IMAGES, verbose=0)
    np.testing.assert_array_equal(flip.non_trainable_variables[0].numpy(), after_state)
    assert before.shape == (4, 2)


@pytest.mark.parametrize(("make", "message"), [
    (lambda: layers.RandomFlip("diagonal"), "mode"),
    (lambda: layers.RandomRotation(1.5), "factor"),
    (lambda: layers.RandomRotation(0.1, fill_mode="bounce"), "fill_mode"),
    (lambda: layers.RandomZoom((0.1, 0.2, 0.3)), "height_factor"),
    (lambda: layers.RandomContrast(-0.1), "factor"),
    (lambda: layers.RandomBrightness(0.1, value_range=(1, 0)), "value_range"),
    (lambda: layers.RandomTranslation(0.1, 0.1, seed=-1), "seed"),
])
def test_bad_arguments_are_refused(make, message):
    with pytest.raises(ValueError, match=message):
        make()
