"""Xception (Chollet, "Xception: Deep Learning with Depthwise Separable Convolutions", 2017).

Example:
    >>> model = oi.applications.Xception(weights=None, input_shape=(71, 71, 3), classes=10)
    >>> x = oi.applications.xception.preprocess_input(images)  # to [-1, 1]
"""

from __future__ import annotations

from typing import Any

from oneiros import layers
from oneiros.applications import _base
from oneiros.applications.imagenet_utils import decode_predictions
from oneiros.applications.resnet_v2 import preprocess_input

__all__ = ["Xception", "decode_predictions", "preprocess_input"]

WEIGHT_FILES = (
    _base.WeightFile("xception", "xception_weights_tf_dim_ordering_tf_kernels.h5", "0a58e3b7378bc2990ea3b43d5981f1f6"),
    _base.WeightFile("xception", "xception_weights_tf_dim_ordering_tf_kernels_notop.h5",
                     "b0042744bf5b25fce3cb969f33bebb97"),
)


def separable(x: Any, filters: int, name: str, activate_first: bool = True) -> Any:
    """ReLU (named ``{name}_act``), a 3x3 separable convolution and its normalization."""
    if activate_first:
        x = layers.Activation("relu", name=f"{name}_act")(x)
    x = layers.SeparableConv2D(filters, (3, 3), padding="same", use_bias=False, name=name)(x)
    return layers.BatchNormalization(name=f"{name}_bn")(x)


def downsampling_block(x: Any, filters: tuple[int, int], prefix: str, activate_first: bool = True) -> Any:
    """Two separable convolutions and a strided max pooling, plus a strided 1x1 shortcut."""
    residual = layers.Conv2D(filters[1], (1, 1), strides=(2, 2), padding="same", use_bias=False)(x)
    residual = layers.BatchNormalization()(residual)
    x = separable(x, filters[0], f"{prefix}_sepconv1", activate_first)
    x = separable(x, filters[1], f"{prefix}_sepconv2")
    x = layers.MaxPooling2D((3, 3), strides=(2, 2), padding="same", name=f"{prefix}_pool")(x)
    return layers.add([x, residual])


def build_xception(arguments: _base.Arguments, name: str) -> Any:
    shape = _base.input_shape(name, arguments, default_size=299, min_size=71)
    image = _base.image_input(name, arguments, shape)
    x = layers.Conv2D(32, (3, 3), strides=(2, 2), use_bias=False, name="block1_conv1")(image)
    x = layers.BatchNormalization(name="block1_conv1_bn")(x)
    x = layers.Activation("relu", name="block1_conv1_act")(x)
    x = layers.Conv2D(64, (3, 3), use_bias=False, name="block1_conv2")(x)
    x = layers.BatchNormalization(name="block1_conv2_bn")(x)
    x = layers.Activation("relu", name="block1_conv2_act")(x)
    x = downsampling_block(x, (128, 128), "block2", activate_first=False)
    x = downsampling_block(x, (256, 256), "block3")
    x = downsampling_block(x, (728, 728), "block4")
    for index in range(5, 13):
        residual = x
        for convolution in (1, 2, 3):
            x = separable(x, 728, f"block{index}_sepconv{convolution}")
        x = layers.add([x, residual])
    x = downsampling_block(x, (728, 1024), "block13")
    x = layers.SeparableConv2D(1536, (3, 3), padding="same", use_bias=False, name="block14_sepconv1")(x)
    x = layers.BatchNormalization(name="block14_sepconv1_bn")(x)
    x = layers.Activation("relu", name="block14_sepconv1_act")(x)
    x = layers.SeparableConv2D(2048, (3, 3), padding="same", use_bias=False, name="block14_sepconv2")(x)
    x = layers.BatchNormalization(name="block14_sepconv2_bn")(x)
    x = layers.Activation("relu", name="block14_sepconv2_act")(x)
    x = _base.classifier(x, arguments) if arguments.include_top else _base.pooled(x, arguments.pooling, (None, None))
    return _base.model(name, image, x, arguments, WEIGHT_FILES)


Xception = _base.constructor("Xception", build_xception, """Xception: depthwise separable convolutions with
    residual connections; Keras's arguments (inputs of at least 71x71).

    Example:
        >>> model = oi.applications.Xception(weights=None, input_shape=(71, 71, 3), classes=10)
    """, {**_base.STANDARD, "name": "xception"})
