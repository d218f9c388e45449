"""InceptionV3 (Szegedy et al., "Rethinking the Inception Architecture for Computer Vision", 2016).

Example:
    >>> model = oi.applications.InceptionV3(weights=None, input_shape=(75, 75, 3), classes=10)
    >>> x = oi.applications.inception_v3.preprocess_input(images)  # to [-1, 1]
"""

from __future__ import annotations

from typing import Any

from oneiros import layers
from oneiros.applications import _base
from oneiros.applications.imagenet_utils import decode_predictions
from oneiros.applications.resnet_v2 import preprocess_input

__all__ = ["InceptionV3", "decode_predictions", "preprocess_input"]

WEIGHT_FILES = (
    _base.WeightFile("inception_v3", "inception_v3_weights_tf_dim_ordering_tf_kernels.h5",
                     "9a0d58056eeedaa3f26cb7ebd46da564"),
    _base.WeightFile("inception_v3", "inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5",
                     "bcbd6486424b2319ff4ef7d526e38f63"),
)


def conv2d_bn(x: Any, filters: int, rows: int, cols: int, padding: str = "same", strides: tuple[int, int] = (1, 1),
              name: str | None = None) -> Any:
    """A bias-free convolution, normalization without scale, and ReLU."""
    x = layers.Conv2D(filters, (rows, cols), strides=strides, padding=padding, use_bias=False,
                      name=None if name is None else f"{name}_conv")(x)
    x = layers.BatchNormalization(scale=False, name=None if name is None else f"{name}_bn")(x)
    return layers.Activation("relu", name=name)(x)


def chain(x: Any, *convolutions: tuple[int, int, int]) -> Any:
    """``conv2d_bn`` applied in turn for each (filters, rows, cols)."""
    for filters, rows, cols in convolutions:
        x = conv2d_bn(x, filters, rows, cols)
    return x


def average_branch(x: Any, filters: int) -> Any:
    x = layers.AveragePooling2D((3, 3), strides=(1, 1), padding="same")(x)
    return conv2d_bn(x, filters, 1, 1)


def block_35(x: Any, pool_filters: int, name: str) -> Any:
    """The 35x35 block: 1x1, 5x5, double 3x3 and pooled branches."""
    branches = [conv2d_bn(x, 64, 1, 1), chain(x, (48, 1, 1), (64, 5, 5)),
                chain(x, (64, 1, 1), (96, 3, 3), (96, 3, 3)), average_branch(x, pool_filters)]
    return layers.concatenate(branches, axis=-1, name=name)


def block_17(x: Any, filters: int, name: str) -> Any:
    """The 17x17 block: factorized 7x7 convolutions of ``filters`` channels inside."""
    branches = [conv2d_bn(x, 192, 1, 1), chain(x, (filters, 1, 1), (filters, 1, 7), (192, 7, 1)),
                chain(x, (filters, 1, 1), (filters, 7, 1), (filters, 1, 7), (filters, 7, 1), (192, 1, 7)),
                average_branch(x, 192)]
    return layers.concatenate(branches, axis=-1, name=name)


def block_8(x: Any, index: int) -> Any:
    """The 8x8 block, with its 3x3 branches split into 1x3 and 3x1."""
    branch3x3 = conv2d_bn(x, 384, 1, 1)
    branch3x3 = layers.concatenate([conv2d_bn(branch3x3, 384, 1, 3), conv2d_bn(branch3x3, 384, 3, 1)], axis=-1,
                                   name=f"mixed9_{index}")
    double = chain(x, (448, 1, 1), (384, 3, 3))
    double = layers.concatenate([conv2d_bn(double, 384, 1, 3), conv2d_bn(double, 384, 3, 1)], axis=-1)
    branches = [conv2d_bn(x, 320, 1, 1), branch3x3, double, average_branch(x, 192)]
    return layers.concatenate(branches, axis=-1, name=f"mixed{9 + index}")


def build_inception_v3(arguments: _base.Arguments, name: str) -> Any:
    shape = _base.input_shape(name, arguments, default_size=299, min_size=75)
    image = _base.image_input(name, arguments, shape)
    x = conv2d_bn(image, 32, 3, 3, strides=(2, 2), padding="valid")
    x = conv2d_bn(x, 32, 3, 3, padding="valid")
    x = conv2d_bn(x, 64, 3, 3)
    x = layers.MaxPooling2D((3, 3), strides=(2, 2))(x)
    x = conv2d_bn(x, 80, 1, 1, padding="valid")
    x = conv2d_bn(x, 192, 3, 3, padding="valid")
    x = layers.MaxPooling2D((3, 3), strides=(2, 2))(x)
    for index, pool_filters in enumerate((32, 64, 64)):
        x = block_35(x, pool_filters, f"mixed{index}")
    reduced = conv2d_bn(x, 384, 3, 3, strides=(2, 2), padding="valid")
    double = chain(x, (64, 1, 1), (96, 3, 3))
    double = conv2d_bn(double, 96, 3, 3, strides=(2, 2), padding="valid")
    x = layers.concatenate([reduced, double, layers.MaxPooling2D((3, 3), strides=(2, 2))(x)], axis=-1, name="mixed3")
    for index, filters in enumerate((128, 160, 160, 192), start=4):
        x = block_17(x, filters, f"mixed{index}")
    reduced = conv2d_bn(conv2d_bn(x, 192, 1, 1), 320, 3, 3, strides=(2, 2), padding="valid")
    factorized = chain(x, (192, 1, 1), (192, 1, 7), (192, 7, 1))
    factorized = conv2d_bn(factorized, 192, 3, 3, strides=(2, 2), padding="valid")
    x = layers.concatenate([reduced, factorized, layers.MaxPooling2D((3, 3), strides=(2, 2))(x)], axis=-1,
                           name="mixed8")
    for index in range(2):
        x = block_8(x, index)
    x = _base.classifier(x, arguments) if arguments.include_top else _base.pooled(x, arguments.pooling, (None, None))
    return _base.model(name, image, x, arguments, WEIGHT_FILES)


InceptionV3 = _base.constructor("InceptionV3", build_inception_v3, """InceptionV3: factorized inception
    blocks; Keras's arguments (inputs of at least 75x75).

    Example:
        >>> model = oi.applications.InceptionV3(weights=None, input_shape=(75, 75, 3), classes=10)
    """, {**_base.STANDARD, "name": "inception_v3"})
