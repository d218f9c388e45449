"""Keras parity of the image preprocessing and augmentation layers: Keras 3 (on JAX) is the oracle.

Deterministic layers, and random layers at a factor that leaves nothing to chance, give Keras's
outputs on the same images; at other factors the distributions of what they do (the hue shift,
the fraction of images inverted, the erased area...) match Keras's over many draws. Geometric
layers are checked against Keras's own image ops with the transform they draw.
"""

from __future__ import annotations

import numpy as np
import pytest

from oneiros import layers, ops

QUANTILES = np.linspace(0.1, 0.9, 9)


def numpy_of(value):
    return np.asarray(ops.to_numpy(value), dtype=np.float64)


@pytest.fixture(scope="module")
def keras_once(keras_oracle):
    """``keras_once(key, compute)``: Keras's result for ``key``, computed once for both backends."""
    results = {}

    def once(key, compute):
        if key not in results:
            results[key] = compute(keras_oracle)
        return results[key]

    return once


def channels_first(images):
    return np.ascontiguousarray(np.moveaxis(images, -1, 1))


# name -> (oneiros layer, Keras layer, input adapter, call keywords). Every factor here fixes the
# outcome: the layer is deterministic.
DETERMINISTIC = {
    "AutoContrast": (lambda k: (layers.AutoContrast(), k.layers.AutoContrast()), None, {}),
    "AutoContrast-unit": (lambda k: (layers.AutoContrast(value_range=(0, 1)),
                                     k.layers.AutoContrast(value_range=(0, 1))), "unit", {}),
    "CLAHE": (lambda k: (layers.ContrastLimitedAdaptiveHistogramEqualization(),
                         k.layers.ContrastLimitedAdaptiveHistogramEqualization()), None, {}),
    "CLAHE-4x4-clip2": (lambda k: (
        layers.ContrastLimitedAdaptiveHistogramEqualization(clip_limit=2.0, tile_grid_size=(4, 4)),
        k.layers.ContrastLimitedAdaptiveHistogramEqualization(clip_limit=2.0, tile_grid_size=(4, 4))), None, {}),
    "CLAHE-channels-first": (lambda k: (
        layers.ContrastLimitedAdaptiveHistogramEqualization(tile_grid_size=(3, 2), data_format="channels_first"),
        k.layers.ContrastLimitedAdaptiveHistogramEqualization(tile_grid_size=(3, 2), data_format="channels_first")),
        "channels_first", {}),
    "Solarization": (lambda k: (layers.Solarization(), k.layers.Solarization()), None, {"training": True}),
    "RandomInvert": (lambda k: (layers.RandomInvert((1, 1)), k.layers.RandomInvert((1, 1))), None,
                     {"training": True}),
    "RandomGrayscale": (lambda k: (layers.RandomGrayscale(1.0), k.layers.RandomGrayscale(1.0)), None,
                        {"training": True}),
    "RandomPosterization": (lambda k: (layers.RandomPosterization((3, 3)), k.layers.RandomPosterization((3, 3))),
                            None, {"training": True}),
    "RandomPosterization-unit": (lambda k: (layers.RandomPosterization((5, 5), value_range=(0, 1)),
                                            k.layers.RandomPosterization((5, 5), value_range=(0, 1))), "unit",
                                 {"training": True}),
    "RandomColorDegeneration": (lambda k: (layers.RandomColorDegeneration((0.7, 0.7)),
                                           k.layers.RandomColorDegeneration((0.7, 0.7))), None, {"training": True}),
    "RandomSaturation": (lambda k: (layers.RandomSaturation((0.3, 0.3)), k.layers.RandomSaturation((0.3, 0.3))),
                         None, {"training": True}),
    "RandomSaturation-unit": (lambda k: (layers.RandomSaturation((0.8, 0.8), value_range=(0, 1)),
                                         k.layers.RandomSaturation((0.8, 0.8), value_range=(0, 1))), "unit",
                              {"training": True}),
    "RandomHue-zero": (lambda k: (layers.RandomHue(0.0), k.layers.RandomHue(0.0)), None, {"training": True}),
    "RandomSharpness": (lambda k: (layers.RandomSharpness((0.9, 0.9)), k.layers.RandomSharpness((0.9, 0.9))), None,
                        {"training": True}),
    "RandomSharpness-channels-first": (lambda k: (
        layers.RandomSharpness((0.1, 0.1), data_format="channels_first"),
        k.layers.RandomSharpness((0.1, 0.1), data_format="channels_first")), "channels_first", {"training": True}),
    "RandomGaussianBlur": (lambda k: (
        layers.RandomGaussianBlur((1, 1), kernel_size=(3, 5), sigma=(0.6, 0.6)),
        k.layers.RandomGaussianBlur((1, 1), kernel_size=(3, 5), sigma=(0.6, 0.6))), None, {"training": True}),
    "RandomErasing-never": (lambda k: (layers.RandomErasing(factor=0.0), k.layers.RandomErasing(factor=0.0)), None,
                            {"training": True}),
    "RandomPerspective-still": (lambda k: (layers.RandomPerspective(scale=0.0), k.layers.RandomPerspective(scale=0.0)),
                                None, {"training": True}),
}
ADAPTERS = {None: lambda images: images, "unit": lambda images: images / 255, "channels_first": channels_first}


@pytest.mark.parametrize("case", sorted(DETERMINISTIC))
def test_deterministic_outputs_equal_keras(backend, keras_oracle, keras_once, augmentation_images, case):
    make, adapter, call_keywords = DETERMINISTIC[case]
    ours, theirs = make(keras_oracle)
    images = ADAPTERS[adapter](augmentation_images).astype("float32")
    expected = keras_once(case, lambda keras: np.asarray(theirs(images, **call_keywords)))
    np.testing.assert_allclose(numpy_of(ours(images, **call_keywords)), expected, rtol=0, atol=1e-4)


def assert_equalized_like_keras(backend, ours, expected, level):
    """XLA's division rounds some table entries that fall exactly on .5 down, so the numpy
    reference may be one level (of 255) above Keras's at those ties."""
    if backend.name == "jax":
        np.testing.assert_allclose(ours, expected, atol=1e-4 * level)
    else:
        assert np.abs(ours - expected).max() <= level * 1.0001 and np.mean(np.abs(ours - expected) > 1e-6) < 0.01


def test_equalization_equals_keras_image_by_image(backend, keras_once, augmentation_images):
    """Keras histograms a channel over the whole batch, so it is compared one image at a time;
    here each image of a batch is equalized alone."""
    ours = numpy_of(layers.Equalization()(augmentation_images))
    expected = keras_once("Equalization", lambda keras: np.concatenate(
        [np.asarray(keras.layers.Equalization()(image[None])) for image in augmentation_images]))
    assert_equalized_like_keras(backend, ours, expected, 1.0)
    unit = augmentation_images[:1] / 255
    assert_equalized_like_keras(backend, numpy_of(layers.Equalization(value_range=(0, 1), bins=64)(unit)),
                                keras_once("Equalization-unit", lambda keras: np.asarray(
                                    keras.layers.Equalization(value_range=(0, 1), bins=64)(unit))),
                                1 / 255)


@pytest.mark.parametrize("interpolation", ["bilinear", "nearest"])
def test_perspective_warp_equals_keras_perspective_transform(backend, keras_once, augmentation_images,
                                                             interpolation):
    from oneiros_vision.layers.random_perspective import perspective_transform

    start = np.array([[[0, 0], [16, 0], [0, 12], [16, 12]]], "float32").repeat(4, 0)
    end = start + np.random.default_rng(3).uniform(-3, 3, size=start.shape).astype("float32")
    expected = keras_once(f"perspective-{interpolation}", lambda keras: np.asarray(keras.ops.image.perspective_transform(
        augmentation_images, start, end, interpolation=interpolation, fill_value=7.0)))
    got = numpy_of(perspective_transform(augmentation_images, start, end, interpolation, 7.0))
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-2)


def test_shear_is_keras_affine_transform_with_the_drawn_sign(backend, keras_once, augmentation_images):
    got = numpy_of(layers.RandomShear(x_factor=(0.3, 0.3), y_factor=(0.2, 0.2), fill_mode="constant",
                                      seed=2)(augmentation_images, training=True))
    candidates = keras_once("shear", lambda keras: [np.asarray(keras.ops.image.affine_transform(
        augmentation_images, np.array([[1, sign * 0.3, 0, sign * 0.2, 1, 0, 0, 0]] * 4, "float32"),
        fill_mode="constant")) for sign in (1, -1)])
    for index, image in enumerate(got):
        errors = [np.abs(image - candidate[index]).max() for candidate in candidates]
        assert min(errors) < 1e-3, errors


@pytest.mark.parametrize(("name", "shape", "output_size"), [
    ("AdaptiveAveragePooling1D", (2, 11, 3), 4), ("AdaptiveMaxPooling1D", (2, 11, 3), 4),
    ("AdaptiveAveragePooling2D", (2, 13, 17, 3), (5, 4)), ("AdaptiveMaxPooling2D", (2, 13, 17, 3), (4, 20)),
    ("AdaptiveAveragePooling3D", (2, 7, 6, 5, 2), (3, 2, 4)), ("AdaptiveMaxPooling3D", (2, 7, 6, 5, 2), (3, 2, 4)),
])
@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
def test_adaptive_pooling_equals_keras(backend, keras_once, name, shape, output_size, data_format):
    inputs = np.random.default_rng(5).normal(size=shape).astype("float32")
    expected = keras_once((name, data_format), lambda keras: np.asarray(
        getattr(keras.layers, name)(output_size, data_format=data_format)(inputs)))
    layer = getattr(layers, name)(output_size, data_format=data_format)
    got = numpy_of(layer(inputs))
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-5)
    assert layer.compute_output_shape(shape) == expected.shape


@pytest.mark.parametrize("max_number", [3, 7])
def test_max_num_bounding_boxes_equals_keras(backend, keras_once, augmentation_images, max_number):
    rng = np.random.default_rng(8)
    data = {"images": augmentation_images[:2], "bounding_boxes": {
        "boxes": rng.uniform(0, 10, size=(2, 5, 4)).astype("float32"),
        "labels": rng.integers(0, 3, size=(2, 5)).astype("float32")}}
    expected = keras_once(("MaxNumBoundingBoxes", max_number), lambda keras: keras.layers.MaxNumBoundingBoxes(
        max_number, fill_value=-2, bounding_box_format="xyxy")(
        {"images": data["images"], "bounding_boxes": dict(data["bounding_boxes"])}))
    got = layers.MaxNumBoundingBoxes(max_number, fill_value=-2)(data)
    for key in ("boxes", "labels"):
        np.testing.assert_array_equal(numpy_of(got["bounding_boxes"][key]),
                                      np.asarray(expected["bounding_boxes"][key]))
    np.testing.assert_array_equal(numpy_of(got["images"]), data["images"])


# --- random layers: distributions over many draws, against Keras's --------------------------------

DRAWS = 400


def many_pixels(value, channels=3):
    """DRAWS one-pixel images of one colour."""
    return np.broadcast_to(np.asarray(value, "float32"), (DRAWS, 1, 1, channels)).copy()


def hue_of(images):
    import colorsys

    return np.array([colorsys.rgb_to_hsv(*(image.reshape(3) / 255))[0] for image in images])


def fraction_changed(before, after):
    return np.mean(np.abs(after - before).reshape(len(before), -1).max(axis=1) > 1e-3)


def assert_same_distribution(ours, theirs):
    """The two-sample Kolmogorov-Smirnov test does not tell the samples apart at the 0.1% level."""
    ours, theirs = np.sort(np.ravel(ours)), np.sort(np.ravel(theirs))
    points = np.concatenate([ours, theirs])
    distance = np.abs(np.searchsorted(ours, points, side="right") / len(ours)
                      - np.searchsorted(theirs, points, side="right") / len(theirs)).max()
    critical = 1.95 * np.sqrt((len(ours) + len(theirs)) / (len(ours) * len(theirs)))
    assert distance < critical, (distance, critical, np.quantile(ours, QUANTILES), np.quantile(theirs, QUANTILES))


def per_image_change(before, after):
    return np.abs(after - before).reshape(len(before), -1).mean(axis=1)


def test_hue_shift_distribution_matches_keras(backend, keras_once):
    red = many_pixels([200, 40, 40])
    ours = hue_of(numpy_of(layers.RandomHue(0.6, seed=1)(red, training=True)))
    theirs = keras_once("hue", lambda keras: hue_of(np.asarray(keras.layers.RandomHue(0.6, seed=1)(red, training=True))))
    # The shift is +-U(0, 0.3) turns: the hue ends in [0, 0.3] or [0.7, 1).
    signed = lambda hue: np.where(hue > 0.5, hue - 1, hue)  # noqa: E731
    assert np.abs(signed(ours)).max() <= 0.3 + 1e-4
    assert_same_distribution(signed(ours), signed(theirs))


@pytest.mark.parametrize(("make", "probability"), [
    (lambda k, seed: (layers.RandomInvert(seed=seed), k.layers.RandomInvert(seed=seed)), 0.5),
    (lambda k, seed: (layers.RandomInvert((0.2, 0.4), seed=seed), k.layers.RandomInvert((0.2, 0.4), seed=seed)), 0.3),
    (lambda k, seed: (layers.RandomGrayscale(0.3, seed=seed), k.layers.RandomGrayscale(0.3, seed=seed)), 0.3),
    (lambda k, seed: (layers.RandomErasing(0.6, fill_value=0, seed=seed),
                      k.layers.RandomErasing(0.6, fill_value=0, seed=seed)), 0.3),
    (lambda k, seed: (layers.RandomGaussianBlur(0.5, seed=seed), k.layers.RandomGaussianBlur(0.5, seed=seed)), 0.25),
    (lambda k, seed: (layers.RandomPerspective(0.8, scale=0.5, seed=seed),
                      k.layers.RandomPerspective(0.8, scale=0.5, seed=seed)), 0.4),
], ids=["invert", "invert-range", "grayscale", "erasing", "gaussian-blur", "perspective"])
def test_chance_of_augmenting_an_image_matches_keras(backend, keras_oracle, keras_once, make, probability):
    images = np.random.default_rng(4).uniform(0, 255, size=(DRAWS, 6, 6, 3)).astype("float32")
    ours, theirs = make(keras_oracle, 3)
    ours_rate = fraction_changed(images, numpy_of(ours(images, training=True)))
    theirs_rate = keras_once(("chance", type(theirs).__name__, probability), lambda keras: fraction_changed(
        images, np.asarray(theirs(images, training=True))))
    # Binomial standard deviation at 400 draws is below 0.025.
    assert abs(ours_rate - probability) < 0.08 and abs(theirs_rate - probability) < 0.08, (ours_rate, theirs_rate)


def test_erased_area_matches_keras(backend, keras_once):
    white = np.full((DRAWS, 20, 20, 3), 255.0, "float32")
    arguments = {"factor": (1.0, 1.0), "scale": (0.05, 0.4), "fill_value": 0}
    ours = (numpy_of(layers.RandomErasing(**arguments, seed=1)(white, training=True)) == 0).mean(axis=(1, 2, 3))
    theirs = keras_once("erased", lambda keras: (np.asarray(
        keras.layers.RandomErasing(**arguments, seed=1)(white, training=True)) == 0).mean(axis=(1, 2, 3)))
    assert_same_distribution(ours, theirs)


def test_solarization_threshold_distribution_matches_keras(backend, keras_once):
    grey = many_pixels([100, 100, 100])
    ours = numpy_of(layers.Solarization(threshold_factor=0.8, seed=1)(grey, training=True))[:, 0, 0, 0]
    theirs = keras_once("solarization", lambda keras: np.asarray(
        keras.layers.Solarization(threshold_factor=0.8, seed=1)(grey, training=True))[:, 0, 0, 0])
    assert set(np.unique(ours)) <= {100.0, 155.0}
    # Inverted when the threshold, uniform in [0, 204], is at most 100.
    assert abs(np.mean(ours == 155) - 100 / 204) < 0.08 and abs(np.mean(theirs == 155) - 100 / 204) < 0.08


@pytest.mark.parametrize("make", [
    lambda k, seed: (layers.RandomSaturation(0.9, seed=seed), k.layers.RandomSaturation(0.9, seed=seed)),
    lambda k, seed: (layers.RandomColorDegeneration(0.8, seed=seed), k.layers.RandomColorDegeneration(0.8, seed=seed)),
    lambda k, seed: (layers.RandomSharpness(0.9, seed=seed), k.layers.RandomSharpness(0.9, seed=seed)),
    lambda k, seed: (layers.RandomPosterization(6, seed=seed), k.layers.RandomPosterization(6, seed=seed)),
    lambda k, seed: (layers.Solarization(addition_factor=0.3, threshold_factor=0.6, seed=seed),
                     k.layers.Solarization(addition_factor=0.3, threshold_factor=0.6, seed=seed)),
], ids=["saturation", "color-degeneration", "sharpness", "posterization", "solarization"])
def test_size_of_the_change_matches_keras(backend, keras_oracle, keras_once, make):
    """Per image, the mean absolute change (0-255 scale) has the same distribution as Keras's."""
    images = np.random.default_rng(6).uniform(0, 255, size=(DRAWS // 2, 16, 16, 3)).astype("float32")
    ours, theirs = make(keras_oracle, 9)
    assert_same_distribution(per_image_change(images, numpy_of(ours(images, training=True))),
                             keras_once(("change", type(theirs).__name__), lambda keras: per_image_change(
                                 images, np.asarray(theirs(images, training=True)))))


def test_elastic_displacement_matches_keras(backend, keras_once):
    """On a horizontal ramp, the change of a pixel is its horizontal displacement (bilinear
    sampling is exact on a ramp): its mean size equals Keras's. The distortion is drawn once per
    batch, so it is fixed here."""
    ramp = np.broadcast_to(np.arange(16, dtype="float32")[None, None, :, None] * 10 + 50, (200, 16, 16, 3)).copy()
    arguments = {"factor": (1, 1), "scale": (0.8, 0.8), "fill_mode": "nearest"}
    inner = (slice(None), slice(3, 13), slice(3, 13), 0)
    ours = np.abs(numpy_of(layers.RandomElasticTransform(**arguments, seed=1)(ramp, training=True)) - ramp)[inner] / 10
    theirs = keras_once("elastic", lambda keras: np.abs(np.asarray(
        keras.layers.RandomElasticTransform(**arguments, seed=1)(ramp, training=True)) - ramp)[inner] / 10)
    assert abs(ours.mean() / theirs.mean() - 1) < 0.1, (ours.mean(), theirs.mean())


def one_colour_per_class(count):
    values = np.linspace(0, 255, count).astype("float32")
    images = np.broadcast_to(values[:, None, None, None], (count, 8, 8, 3)).copy()
    return images, values, np.eye(count, dtype="float32")


@pytest.mark.parametrize("name", ["MixUp", "CutMix"])
def test_mixing_layers_mix_images_and_labels_alike_and_like_keras(backend, keras_once, name):
    images, values, labels = one_colour_per_class(64)
    # CutMix draws its Beta parameter once per batch: fixed here, so that the images' weights are comparable.
    arguments = {"alpha": 0.4} if name == "MixUp" else {"factor": (1.0, 1.0)}
    mixed = getattr(layers, name)(**arguments, seed=1)({"images": images, "labels": labels}, training=True)
    got_images, got_labels = numpy_of(mixed["images"]), numpy_of(mixed["labels"])
    np.testing.assert_allclose(got_labels.sum(axis=1), 1.0, atol=1e-5)
    own_weight = got_labels[np.arange(64), np.arange(64)]
    if name == "MixUp":
        np.testing.assert_allclose(got_images.mean(axis=(1, 2, 3)), got_labels @ values, atol=1e-2)
    else:
        # The label weight is the box's continuous area; the pixels kept approximate it.
        kept = (np.abs(got_images - images) < 1e-4).mean(axis=(1, 2, 3))
        partner_differs = np.abs(got_labels @ values - own_weight * values) > 1e-3
        assert np.abs(kept - own_weight)[partner_differs].max() < 0.3
    keras_own = keras_once(name, lambda keras: np.asarray(getattr(keras.layers, name)(**arguments, seed=1)(
        {"images": images, "labels": labels}, training=True)["labels"])[np.arange(64), np.arange(64)])
    assert_same_distribution(own_weight, keras_own)
