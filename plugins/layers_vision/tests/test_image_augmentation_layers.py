"""Invariants of the image preprocessing and augmentation layers that Keras 3 added: shape and
value range kept, Keras's inference behaviour, seeded reproducibility, configs that round-trip
through JSON, refused arguments, and augmentation inside compiled training."""

from __future__ import annotations

import json

import numpy as np
import pytest

import oneiros as oi
from oneiros import layers, ops

AUGMENTERS = {
    "AugMix": lambda seed: layers.AugMix(num_chains=2, chain_depth=1, seed=seed),
    "CutMix": lambda seed: layers.CutMix(seed=seed),
    "MixUp": lambda seed: layers.MixUp(seed=seed),
    "RandAugment": lambda seed: layers.RandAugment(seed=seed),
    "RandomColorDegeneration": lambda seed: layers.RandomColorDegeneration(0.5, seed=seed),
    "RandomColorJitter": lambda seed: layers.RandomColorJitter(brightness_factor=0.2, contrast_factor=(0.1, 0.3),
                                                               saturation_factor=0.4, hue_factor=0.2, seed=seed),
    "RandomElasticTransform": lambda seed: layers.RandomElasticTransform(seed=seed),
    "RandomErasing": lambda seed: layers.RandomErasing(fill_value=(10, 20, 30), seed=seed),
    "RandomGaussianBlur": lambda seed: layers.RandomGaussianBlur(kernel_size=5, seed=seed),
    "RandomGrayscale": lambda seed: layers.RandomGrayscale(seed=seed),
    "RandomHue": lambda seed: layers.RandomHue(0.5, seed=seed),
    "RandomInvert": lambda seed: layers.RandomInvert(seed=seed),
    "RandomPerspective": lambda seed: layers.RandomPerspective(seed=seed),
    "RandomPosterization": lambda seed: layers.RandomPosterization(6, seed=seed),
    "RandomSaturation": lambda seed: layers.RandomSaturation((0.2, 0.8), seed=seed),
    "RandomSharpness": lambda seed: layers.RandomSharpness(0.8, seed=seed),
    "RandomShear": lambda seed: layers.RandomShear(0.3, 0.2, seed=seed),
    "Solarization": lambda seed: layers.Solarization(0.2, 0.5, seed=seed),
}
"""Random layers: the identity outside training (as in Keras), reproducible per seed."""

PREPROCESSORS = {
    "AutoContrast": lambda: layers.AutoContrast(),
    "ContrastLimitedAdaptiveHistogramEqualization":
        lambda: layers.ContrastLimitedAdaptiveHistogramEqualization(tile_grid_size=(3, 4)),
    "Equalization": lambda: layers.Equalization(bins=128),
    "MaxNumBoundingBoxes": lambda: layers.MaxNumBoundingBoxes(4),
}
IDENTITY_IN_INFERENCE = {"Equalization", "MaxNumBoundingBoxes"}
"""Keras transforms with AutoContrast and CLAHE in inference too."""

POOLERS = {f"Adaptive{mode}Pooling{rank}D": (rank, mode) for rank in (1, 2, 3) for mode in ("Average", "Max")}


def numpy_of(value):
    return np.asarray(ops.to_numpy(value), dtype=np.float64)


def constructor(name):
    if name in AUGMENTERS:
        return lambda: AUGMENTERS[name](3)
    if name in PREPROCESSORS:
        return PREPROCESSORS[name]
    rank, _ = POOLERS[name]
    return lambda: getattr(layers, name)((2,) * rank)


@pytest.mark.parametrize("name", sorted(set(AUGMENTERS) | set(PREPROCESSORS) | set(POOLERS)))
def test_config_round_trips_through_json_and_the_registry(name):
    layer = constructor(name)()
    config = layer.get_config()
    rebuilt = oi.layers.get(name).from_config(json.loads(json.dumps(config)))
    assert rebuilt.get_config() == config
    assert oi.layers.get(f"vision>{name}") is type(layer)


@pytest.mark.parametrize("name", sorted(AUGMENTERS))
def test_random_layers_keep_shape_and_range_and_are_identity_outside_training(backend, augmentation_images, name):
    layer = AUGMENTERS[name](5)
    np.testing.assert_array_equal(numpy_of(layer(augmentation_images, training=False)), augmentation_images)
    np.testing.assert_array_equal(numpy_of(layer(augmentation_images)), augmentation_images)
    first = numpy_of(layer(augmentation_images, training=True))
    assert first.shape == augmentation_images.shape
    assert first.min() >= -1e-3 and first.max() <= 255 + 1e-3, (first.min(), first.max())
    second = numpy_of(layer(augmentation_images, training=True))
    np.testing.assert_allclose(numpy_of(AUGMENTERS[name](5)(augmentation_images, training=True)), first, atol=1e-4)
    assert not np.allclose(first, second) or name in ("MixUp", "CutMix")
    single = numpy_of(layer(augmentation_images[0], training=True))
    assert single.shape == augmentation_images[0].shape


@pytest.mark.parametrize("name", sorted(PREPROCESSORS))
def test_preprocessing_layers_in_inference_follow_keras(backend, augmentation_images, name):
    layer = PREPROCESSORS[name]()
    outside = numpy_of(layer(augmentation_images, training=False))
    direct = numpy_of(layer(augmentation_images))
    assert direct.shape == augmentation_images.shape and direct.min() >= 0 and direct.max() <= 255
    if name in IDENTITY_IN_INFERENCE:
        np.testing.assert_array_equal(outside, augmentation_images)
    else:
        np.testing.assert_allclose(outside, direct, atol=1e-4)
    assert numpy_of(layer(augmentation_images[0])).shape == augmentation_images[0].shape


@pytest.mark.parametrize("name", ["AutoContrast", "Equalization", "ContrastLimitedAdaptiveHistogramEqualization"])
def test_preprocessing_of_uint8_images_gives_floats(backend, augmentation_images, name):
    pixels = augmentation_images.astype("uint8")
    result = PREPROCESSORS[name]()(pixels)
    assert "float" in ops.dtype(result)
    np.testing.assert_allclose(numpy_of(result), numpy_of(PREPROCESSORS[name]()(pixels.astype("float32"))), atol=1e-4)


def test_adaptive_pooling_windows_by_hand(backend):
    inputs = np.arange(2 * 7 * 3, dtype="float32").reshape(2, 7, 3)
    # Windows of 7 over 3 outputs: [0, 3), [2, 5), [4, 7).
    expected_mean = np.stack([inputs[:, 0:3].mean(1), inputs[:, 2:5].mean(1), inputs[:, 4:7].mean(1)], axis=1)
    np.testing.assert_allclose(numpy_of(layers.AdaptiveAveragePooling1D(3)(inputs)), expected_mean, rtol=1e-6)
    np.testing.assert_array_equal(numpy_of(layers.AdaptiveMaxPooling1D(3)(inputs)), inputs[:, [2, 4, 6]])


def test_color_jitter_applies_only_the_given_factors(backend, augmentation_images):
    brightness_only = layers.RandomColorJitter(brightness_factor=(0.1, 0.1), seed=1)
    np.testing.assert_allclose(numpy_of(brightness_only(augmentation_images, training=True)),
                               np.clip(augmentation_images + 25.5, 0, 255), atol=1e-3)
    nothing = layers.RandomColorJitter(seed=1)
    np.testing.assert_array_equal(numpy_of(nothing(augmentation_images, training=True)), augmentation_images)


def test_mixing_layers_pass_unbatched_images_and_keep_dict_keys(backend, augmentation_images):
    np.testing.assert_array_equal(numpy_of(layers.CutMix(seed=1)(augmentation_images[0], training=True)),
                                  augmentation_images[0])
    data = {"images": augmentation_images, "labels": np.eye(4, dtype="float32"), "ids": np.arange(4)}
    mixed = layers.MixUp(seed=1)(data, training=True)
    assert set(mixed) == {"images", "labels", "ids"}
    np.testing.assert_array_equal(numpy_of(mixed["ids"]), np.arange(4))


def test_augmentation_runs_inside_compiled_training(jax_backend, augmentation_images):
    oi.set_random_seed(0)
    model = oi.Sequential([
        layers.Input((13, 17, 3)),
        layers.RandAugment(num_ops=1, seed=1),
        layers.RandomColorJitter(brightness_factor=0.2, hue_factor=0.1, seed=2),
        layers.RandomErasing(seed=3),
        layers.RandomPerspective(0.5, seed=4),
        layers.Equalization(),
        layers.Rescaling(1 / 255),
        layers.AdaptiveAveragePooling2D((4, 4)),
        layers.Flatten(),
        layers.Dense(2, activation="softmax"),
    ])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    state = model.layers[0].non_trainable_variables[0].numpy().copy()
    history = model.fit(augmentation_images, np.array([0, 1, 0, 1]), epochs=2, batch_size=2, verbose=0)
    assert np.isfinite(history.history["loss"]).all()
    assert not np.array_equal(model.layers[0].non_trainable_variables[0].numpy(), state)
    assert model.predict(augmentation_images, verbose=0).shape == (4, 2)


@pytest.mark.parametrize(("make", "message"), [
    (lambda: layers.Solarization(addition_factor=1.5), "addition_factor"),
    (lambda: layers.RandomInvert(factor=(0.2, 2)), "factor"),
    (lambda: layers.RandomGrayscale(factor=-0.1), "factor"),
    (lambda: layers.RandomPosterization(9), "factor"),
    (lambda: layers.RandomHue(0.5, value_range=(1, 0)), "value_range"),
    (lambda: layers.RandomGaussianBlur(kernel_size=4), "kernel_size"),
    (lambda: layers.RandomErasing(fill_value=(1, 2)), "fill_value"),
    (lambda: layers.RandomPerspective(scale=2.0), "scale"),
    (lambda: layers.RandomElasticTransform(fill_mode="bounce"), "fill_mode"),
    (lambda: layers.RandomShear(interpolation="cubic"), "interpolation"),
    (lambda: layers.MixUp(alpha=0), "alpha"),
    (lambda: layers.AugMix(num_chains=0), "num_chains"),
    (lambda: layers.RandAugment(num_ops=-1), "num_ops"),
    (lambda: layers.Equalization(bins=0), "bins"),
    (lambda: layers.ContrastLimitedAdaptiveHistogramEqualization(tile_grid_size=(0, 2)), "tile_grid_size"),
    (lambda: layers.MaxNumBoundingBoxes(0), "max_number"),
    (lambda: layers.AdaptiveMaxPooling2D((2, 2, 2)), "output_size"),
])
def test_bad_arguments_are_refused_with_what_was_received(make, message):
    with pytest.raises(ValueError, match=message) as raised:
        make()
    assert "received" in str(raised.value)


def test_images_of_the_wrong_rank_are_refused(augmentation_images):
    with pytest.raises(ValueError, match="rank"):
        layers.RandomHue(0.2)(augmentation_images[None])
    with pytest.raises(ValueError, match="rank"):
        layers.AutoContrast()(augmentation_images[None])
