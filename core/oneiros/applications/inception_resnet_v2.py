"""InceptionResNetV2 (Szegedy et al., "Inception-v4, Inception-ResNet and the Impact of Residual
Connections on Learning", 2016).

Example:
    >>> model = oi.applications.InceptionResNetV2(weights=None, input_shape=(75, 75, 3), classes=10)
    >>> x = oi.applications.inception_resnet_v2.preprocess_input(images)  # to [-1, 1]
"""

from __future__ import annotations

from typing import Any

from oneiros import layers
from oneiros.applications import _base
from oneiros.applications.imagenet_utils import decode_predictions
from oneiros.applications.resnet_v2 import preprocess_input

__all__ = ["InceptionResNetV2", "decode_predictions", "preprocess_input"]

WEIGHT_FILES = (
    _base.WeightFile("inception_resnet_v2", "inception_resnet_v2_weights_tf_dim_ordering_tf_kernels.h5",
                     "e693bd0210a403b3192acc6073ad2e96"),
    _base.WeightFile("inception_resnet_v2", "inception_resnet_v2_weights_tf_dim_ordering_tf_kernels_notop.h5",
                     "d19885ff4a710c122648d3b5c3b684e4"),
)

BRANCHES = {
    "block35": (((32, 1),), ((32, 1), (32, 3)), ((32, 1), (48, 3), (64, 3))),
    "block17": (((192, 1),), ((128, 1), (160, (1, 7)), (192, (7, 1)))),
    "block8": (((192, 1),), ((192, 1), (224, (1, 3)), (256, (3, 1)))),
}
"""Each residual block type's branches, as (filters, kernel size) convolutions in turn."""


def conv2d_bn(x: Any, filters: int, kernel_size: Any, strides: int = 1, padding: str = "same",
              activation: str | None = "relu", use_bias: bool = False, name: str | None = None) -> Any:
    """A convolution, then (without bias) a normalization without scale, then ``activation``."""
    x = layers.Conv2D(filters, kernel_size, strides=strides, padding=padding, use_bias=use_bias, name=name)(x)
    if not use_bias:
        x = layers.BatchNormalization(scale=False, name=None if name is None else f"{name}_bn")(x)
    if activation is not None:
        x = layers.Activation(activation, name=None if name is None else f"{name}_ac")(x)
    return x


def chain(x: Any, convolutions: tuple[tuple[int, Any], ...]) -> Any:
    for filters, kernel_size in convolutions:
        x = conv2d_bn(x, filters, kernel_size)
    return x


def residual_block(x: Any, scale: float, block_type: str, index: int, activation: str | None = "relu") -> Any:
    """``x + scale * r``, ``r`` the 1x1 projection of the concatenated branches of ``block_type``."""
    block_name = f"{block_type}_{index}"
    mixed = layers.Concatenate(axis=-1, name=f"{block_name}_mixed")([chain(x, branch) for branch in BRANCHES[block_type]])
    up = conv2d_bn(mixed, x.shape[-1], 1, activation=None, use_bias=True, name=f"{block_name}_conv")
    x = x + up * scale
    if activation is not None:
        x = layers.Activation(activation, name=f"{block_name}_ac")(x)
    return x


def build_inception_resnet_v2(arguments: _base.Arguments, name: str) -> Any:
    shape = _base.input_shape(name, arguments, default_size=299, min_size=75)
    image = _base.image_input(name, arguments, shape)
    x = conv2d_bn(image, 32, 3, strides=2, padding="valid")
    x = conv2d_bn(x, 32, 3, padding="valid")
    x = conv2d_bn(x, 64, 3)
    x = layers.MaxPooling2D(3, strides=2)(x)
    x = conv2d_bn(x, 80, 1, padding="valid")
    x = conv2d_bn(x, 192, 3, padding="valid")
    x = layers.MaxPooling2D(3, strides=2)(x)
    branches = [conv2d_bn(x, 96, 1), chain(x, ((48, 1), (64, 5))), chain(x, ((64, 1), (96, 3), (96, 3))),
                conv2d_bn(layers.AveragePooling2D(3, strides=1, padding="same")(x), 64, 1)]
    x = layers.Concatenate(axis=-1, name="mixed_5b")(branches)
    for index in range(1, 11):
        x = residual_block(x, 0.17, "block35", index)
    branches = [conv2d_bn(x, 384, 3, strides=2, padding="valid"),
                conv2d_bn(chain(x, ((256, 1), (256, 3))), 384, 3, strides=2, padding="valid"),
                layers.MaxPooling2D(3, strides=2, padding="valid")(x)]
    x = layers.Concatenate(axis=-1, name="mixed_6a")(branches)
    for index in range(1, 21):
        x = residual_block(x, 0.1, "block17", index)
    branches = [conv2d_bn(conv2d_bn(x, 256, 1), 384, 3, strides=2, padding="valid"),
                conv2d_bn(conv2d_bn(x, 256, 1), 288, 3, strides=2, padding="valid"),
                conv2d_bn(chain(x, ((256, 1), (288, 3))), 320, 3, strides=2, padding="valid"),
                layers.MaxPooling2D(3, strides=2, padding="valid")(x)]
    x = layers.Concatenate(axis=-1, name="mixed_7a")(branches)
    for index in range(1, 10):
        x = residual_block(x, 0.2, "block8", index)
    x = residual_block(x, 1.0, "block8", 10, activation=None)
    x = conv2d_bn(x, 1536, 1, name="conv_7b")
    x = _base.classifier(x, arguments) if arguments.include_top else _base.pooled(x, arguments.pooling, (None, None))
    return _base.model(name, image, x, arguments, WEIGHT_FILES)


InceptionResNetV2 = _base.constructor("InceptionResNetV2", build_inception_resnet_v2, """InceptionResNetV2:
    inception blocks with scaled residual connections; Keras's arguments (inputs of at least 75x75).

    Example:
        >>> model = oi.applications.InceptionResNetV2(weights=None, input_shape=(75, 75, 3), classes=10)
    """, {**_base.STANDARD, "name": "inception_resnet_v2"})
