"""Every vision layer compiled to ONNX predicts what the jax backend predicts (batches 1, 3, 8).

Augmentation layers are included: at inference they must vanish (or do their inference-time
transform, e.g. RandomCrop's center crop) exactly as on jax.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import oneiros as oi
from oneiros import layers
from oneiros_onnx.errors import LoweringError

Spec = tuple[Callable[[], Any], tuple, str]

IMAGE = (6, 6, 3)
SPECS: dict[str, Spec] = {
    "AveragePooling1D": (lambda: layers.AveragePooling1D(2), (8, 3), "float32"),
    "AveragePooling2D-same": (lambda: layers.AveragePooling2D(3, strides=2, padding="same"), (7, 7, 3), "float32"),
    "AveragePooling3D": (lambda: layers.AveragePooling3D(2), (4, 4, 4, 2), "float32"),
    "CenterCrop": (lambda: layers.CenterCrop(4, 3), IMAGE, "float32"),
    "Conv1D": (lambda: layers.Conv1D(4, 3, padding="same", activation="relu"), (8, 3), "float32"),
    "Conv1D-dilated": (lambda: layers.Conv1D(2, 3, dilation_rate=2), (9, 3), "float32"),
    "Conv2D": (lambda: layers.Conv2D(4, 3, strides=2), (7, 7, 3), "float32"),
    "Conv2D-groups": (lambda: layers.Conv2D(4, 3, padding="same", groups=2), (5, 5, 4), "float32"),
    "Conv2D-channels_first": (lambda: layers.Conv2D(3, 2, data_format="channels_first"), (2, 5, 5), "float32"),
    "Conv3D": (lambda: layers.Conv3D(2, 2, padding="same"), (4, 4, 4, 2), "float32"),
    "Conv1DTranspose": (lambda: layers.Conv1DTranspose(3, 3, strides=2, padding="same"), (5, 2), "float32"),
    "Conv2DTranspose": (lambda: layers.Conv2DTranspose(3, 3, strides=2), (4, 4, 2), "float32"),
    "Conv3DTranspose": (lambda: layers.Conv3DTranspose(2, 2, strides=2, padding="same"), (3, 3, 3, 2), "float32"),
    "Cropping1D": (lambda: layers.Cropping1D((1, 2)), (8, 3), "float32"),
    "Cropping2D": (lambda: layers.Cropping2D(((1, 1), (2, 0))), IMAGE, "float32"),
    "Cropping3D": (lambda: layers.Cropping3D(1), (4, 4, 4, 2), "float32"),
    "DepthwiseConv1D": (lambda: layers.DepthwiseConv1D(3, depth_multiplier=2), (8, 3), "float32"),
    "DepthwiseConv2D": (lambda: layers.DepthwiseConv2D(3, padding="same"), IMAGE, "float32"),
    "GlobalAveragePooling1D": (lambda: layers.GlobalAveragePooling1D(), (5, 3), "float32"),
    "GlobalAveragePooling2D": (lambda: layers.GlobalAveragePooling2D(), IMAGE, "float32"),
    "GlobalAveragePooling3D": (lambda: layers.GlobalAveragePooling3D(keepdims=True), (3, 3, 3, 2), "float32"),
    "GlobalMaxPooling1D": (lambda: layers.GlobalMaxPooling1D(), (5, 3), "float32"),
    "GlobalMaxPooling2D": (lambda: layers.GlobalMaxPooling2D(), IMAGE, "float32"),
    "GlobalMaxPooling3D": (lambda: layers.GlobalMaxPooling3D(), (3, 3, 3, 2), "float32"),
    "MaxPooling1D": (lambda: layers.MaxPooling1D(2, padding="same"), (7, 3), "float32"),
    "MaxPooling2D": (lambda: layers.MaxPooling2D(2), IMAGE, "float32"),
    "MaxPooling3D": (lambda: layers.MaxPooling3D(2), (4, 4, 4, 2), "float32"),
    "RandomBrightness": (lambda: layers.RandomBrightness(0.2), IMAGE, "float32"),
    "RandomContrast": (lambda: layers.RandomContrast(0.2), IMAGE, "float32"),
    "RandomCrop": (lambda: layers.RandomCrop(4, 4), IMAGE, "float32"),
    "RandomFlip": (lambda: layers.RandomFlip(), IMAGE, "float32"),
    "RandomRotation": (lambda: layers.RandomRotation(0.1), IMAGE, "float32"),
    "RandomTranslation": (lambda: layers.RandomTranslation(0.1, 0.1), IMAGE, "float32"),
    "RandomZoom": (lambda: layers.RandomZoom(0.1), IMAGE, "float32"),
    "Rescaling": (lambda: layers.Rescaling(1 / 255, offset=0.5), IMAGE, "float32"),
    "Resizing": (lambda: layers.Resizing(8, 5), IMAGE, "float32"),
    "Resizing-nearest": (lambda: layers.Resizing(4, 9, interpolation="nearest"), IMAGE, "float32"),
    "SeparableConv1D": (lambda: layers.SeparableConv1D(4, 3, padding="same"), (8, 3), "float32"),
    "SeparableConv2D": (lambda: layers.SeparableConv2D(4, 3, depth_multiplier=2), IMAGE, "float32"),
    "UpSampling1D": (lambda: layers.UpSampling1D(2), (4, 3), "float32"),
    "UpSampling2D": (lambda: layers.UpSampling2D(2), (3, 3, 2), "float32"),
    "UpSampling2D-bilinear": (lambda: layers.UpSampling2D(2, interpolation="bilinear"), (3, 3, 2), "float32"),
    "UpSampling3D": (lambda: layers.UpSampling3D(2), (2, 2, 2, 2), "float32"),
    "ZeroPadding1D": (lambda: layers.ZeroPadding1D(2), (4, 3), "float32"),
    "ZeroPadding2D": (lambda: layers.ZeroPadding2D(((1, 0), (2, 1))), (3, 3, 2), "float32"),
    "ZeroPadding3D": (lambda: layers.ZeroPadding3D(1), (2, 2, 2, 2), "float32"),
    "AdaptiveAveragePooling1D": (lambda: layers.AdaptiveAveragePooling1D(3), (8, 3), "float32"),
    "AdaptiveAveragePooling2D": (lambda: layers.AdaptiveAveragePooling2D((2, 3)), IMAGE, "float32"),
    "AdaptiveAveragePooling3D": (lambda: layers.AdaptiveAveragePooling3D(2), (4, 4, 4, 2), "float32"),
    "AdaptiveMaxPooling1D": (lambda: layers.AdaptiveMaxPooling1D(3), (8, 3), "float32"),
    "AdaptiveMaxPooling2D": (lambda: layers.AdaptiveMaxPooling2D((2, 3)), IMAGE, "float32"),
    "AdaptiveMaxPooling3D": (lambda: layers.AdaptiveMaxPooling3D(2), (4, 4, 4, 2), "float32"),
    "AugMix": (lambda: layers.AugMix(value_range=(0, 1)), IMAGE, "float32"),
    "AutoContrast": (lambda: layers.AutoContrast(value_range=(0, 1)), IMAGE, "float32"),
    "CutMix": (lambda: layers.CutMix(), IMAGE, "float32"),
    "Equalization": (lambda: layers.Equalization(value_range=(0, 1)), IMAGE, "float32"),
    "MixUp": (lambda: layers.MixUp(), IMAGE, "float32"),
    "RandAugment": (lambda: layers.RandAugment(value_range=(0, 1)), IMAGE, "float32"),
    "RandomColorDegeneration": (lambda: layers.RandomColorDegeneration(0.3), IMAGE, "float32"),
    "RandomColorJitter": (lambda: layers.RandomColorJitter(value_range=(0, 1), brightness_factor=0.2), IMAGE, "float32"),
    "RandomElasticTransform": (lambda: layers.RandomElasticTransform(value_range=(0, 1)), IMAGE, "float32"),
    "RandomErasing": (lambda: layers.RandomErasing(value_range=(0, 1)), IMAGE, "float32"),
    "RandomGaussianBlur": (lambda: layers.RandomGaussianBlur(value_range=(0, 1)), IMAGE, "float32"),
    "RandomGrayscale": (lambda: layers.RandomGrayscale(), IMAGE, "float32"),
    "RandomHue": (lambda: layers.RandomHue(0.2, value_range=(0, 1)), IMAGE, "float32"),
    "RandomInvert": (lambda: layers.RandomInvert(value_range=(0, 1)), IMAGE, "float32"),
    "RandomPerspective": (lambda: layers.RandomPerspective(), IMAGE, "float32"),
    "RandomPosterization": (lambda: layers.RandomPosterization(4, value_range=(0, 1)), IMAGE, "float32"),
    "RandomSaturation": (lambda: layers.RandomSaturation(0.3, value_range=(0, 1)), IMAGE, "float32"),
    "RandomSharpness": (lambda: layers.RandomSharpness(0.3, value_range=(0, 1)), IMAGE, "float32"),
    "RandomShear": (lambda: layers.RandomShear(0.2), IMAGE, "float32"),
    "Solarization": (lambda: layers.Solarization(value_range=(0, 1)), IMAGE, "float32"),
}


NOT_LOWERED: dict[str, Spec] = {
    # Its tiles' histograms are segment sums over the whole batch: ONNX needs their size when the
    # graph is built, not the batch size.
    "ContrastLimitedAdaptiveHistogramEqualization": (
        lambda: layers.ContrastLimitedAdaptiveHistogramEqualization(value_range=(0, 1), tile_grid_size=(2, 2)),
        IMAGE, "float32"),
}
NOT_IMAGE_LAYERS = {"MaxNumBoundingBoxes": "it pads and truncates bounding-box dicts; images pass through it"}


@pytest.mark.parametrize("name", sorted(SPECS))
def test_layer_matches_jax(name: str, compare: Any, randomized: Any, make_inputs: Any) -> None:
    factory, shape, dtype = SPECS[name]
    with oi.backend_scope("onnx"):  # built (weights initialised) on onnx; predicted on both
        inputs = oi.Input(shape, dtype=dtype)
        model = oi.Model(inputs, factory()(inputs))
        randomized(model)
    compare(model, make_inputs((8, *shape), dtype, np.random.default_rng(2)), label=name)


@pytest.mark.parametrize("name", sorted(NOT_LOWERED))
def test_a_layer_onnx_cannot_express_is_refused_by_name(name: str, compare: Any, make_inputs: Any) -> None:
    factory, shape, dtype = NOT_LOWERED[name]
    with oi.backend_scope("onnx"):
        inputs = oi.Input(shape, dtype=dtype)
        model = oi.Model(inputs, factory()(inputs))
    with pytest.raises(LoweringError, match=f"in layer .*{name}.* to ONNX"):
        compare(model, make_inputs((8, *shape), dtype, np.random.default_rng(2)), label=name)


def test_every_vision_layer_has_a_spec() -> None:
    from oneiros._plugins import host

    registry = host().registry("layers")
    classes = {entry.obj for entry in registry.entries() if entry.plugin == "vision"}
    covered = {registry.get(f"vision>{name.split('-')[0]}") for name in [*SPECS, *NOT_LOWERED, *NOT_IMAGE_LAYERS]}
    assert {cls.__name__ for cls in classes - covered} == set()
