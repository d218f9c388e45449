"""VGG16 (Simonyan and Zisserman, "Very Deep Convolutional Networks for Large-Scale Image Recognition", 2014).

Example:
    >>> model = oi.applications.VGG16(weights=None, input_shape=(32, 32, 3), classes=10)
    >>> x = oi.applications.vgg16.preprocess_input(images)  # caffe: BGR, minus the ImageNet means
"""

from __future__ import annotations

import functools
from typing import Any

from oneiros import layers
from oneiros.applications import _base
from oneiros.applications.imagenet_utils import decode_predictions
from oneiros.applications.resnet import preprocess_input

__all__ = ["VGG16", "decode_predictions", "preprocess_input"]

STAGES = ((64, 2), (128, 2), (256, 3), (512, 3), (512, 3))
"""(filters, convolutions) of VGG16's five stages; VGG19 has four convolutions in the last three."""

WEIGHT_FILES = (
    _base.WeightFile("vgg16", "vgg16_weights_tf_dim_ordering_tf_kernels.h5", "64373286793e3c8b2b4e3219cbf3544b"),
    _base.WeightFile("vgg16", "vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5", "6d6bbae143d832006294945121d1f1fc"),
)


def build_vgg(arguments: _base.Arguments, name: str, *, stages: tuple[tuple[int, int], ...],
              weight_files: tuple[_base.WeightFile, _base.WeightFile]) -> Any:
    """Stages of 3x3 convolutions each closed by a 2x2 max pooling, then two 4096-unit layers."""
    shape = _base.input_shape(name, arguments, default_size=224, min_size=32)
    image = _base.image_input(name, arguments, shape)
    x = image
    for stage, (filters, convolutions) in enumerate(stages, start=1):
        for index in range(1, convolutions + 1):
            x = layers.Conv2D(filters, (3, 3), activation="relu", padding="same", name=f"block{stage}_conv{index}")(x)
        x = layers.MaxPooling2D((2, 2), strides=(2, 2), name=f"block{stage}_pool")(x)
    if arguments.include_top:
        x = layers.Flatten(name="flatten")(x)
        x = layers.Dense(4096, activation="relu", name="fc1")(x)
        x = layers.Dense(4096, activation="relu", name="fc2")(x)
        x = layers.Dense(arguments.classes, activation=arguments.classifier_activation, name="predictions")(x)
    else:
        x = _base.pooled(x, arguments.pooling, names=(None, None))
    return _base.model(name, image, x, arguments, weight_files)


VGG16 = _base.constructor("VGG16", functools.partial(build_vgg, stages=STAGES, weight_files=WEIGHT_FILES),
                          """VGG16: thirteen 3x3 convolutions and three dense layers; Keras's arguments.

    Example:
        >>> model = oi.applications.VGG16(weights=None, input_shape=(32, 32, 3), classes=10)
    """, {**_base.STANDARD, "name": "vgg16"})
