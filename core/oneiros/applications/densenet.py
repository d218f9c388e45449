"""DenseNet121, DenseNet169 and DenseNet201 (Huang et al., "Densely Connected Convolutional Networks", 2017).

Example:
    >>> model = oi.applications.DenseNet121(weights=None, input_shape=(32, 32, 3), classes=10)
    >>> x = oi.applications.densenet.preprocess_input(images)  # torch: [0, 1], then standardized
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from oneiros import layers
from oneiros.applications import _base
from oneiros.applications.imagenet_utils import decode_predictions
from oneiros.applications.imagenet_utils import preprocess_input as _imagenet_preprocess

__all__ = ["DenseNet121", "DenseNet169", "DenseNet201", "decode_predictions", "preprocess_input"]

BN_EPSILON = 1.001e-5
GROWTH_RATE = 32

WEIGHT_HASHES = {
    121: ("9d60b8095a5708f2dcce2bca79d332c7", "30ee3e1110167f948a6b9946edeeb738"),
    169: ("d699b8f76981ab1b30698df4c175e90b", "b8c4d4c20dd625c148057b9ff1c1176b"),
    201: ("1ceb130c1ea1b78c3bf6114dbdfd8807", "c13680b51ded0fb44dff2d8f86ac8bb1"),
}
"""Keras's md5 of each published file: (with top, without top)."""


def preprocess_input(x: Any, data_format: str | None = None) -> Any:
    """Scales pixels to [0, 1], then standardizes each channel with ImageNet's statistics."""
    return _imagenet_preprocess(x, data_format=data_format, mode="torch")


def conv_block(x: Any, name: str) -> Any:
    """Normalization, ReLU, 1x1 then 3x3 convolutions; the result is concatenated to the input."""
    y = layers.BatchNormalization(epsilon=BN_EPSILON, name=f"{name}_0_bn")(x)
    y = layers.Activation("relu", name=f"{name}_0_relu")(y)
    y = layers.Conv2D(4 * GROWTH_RATE, 1, use_bias=False, name=f"{name}_1_conv")(y)
    y = layers.BatchNormalization(epsilon=BN_EPSILON, name=f"{name}_1_bn")(y)
    y = layers.Activation("relu", name=f"{name}_1_relu")(y)
    y = layers.Conv2D(GROWTH_RATE, 3, padding="same", use_bias=False, name=f"{name}_2_conv")(y)
    return layers.Concatenate(axis=-1, name=f"{name}_concat")([x, y])


def transition_block(x: Any, reduction: float, name: str) -> Any:
    """Halves the channels (``reduction``) and the resolution between dense blocks."""
    x = layers.BatchNormalization(epsilon=BN_EPSILON, name=f"{name}_bn")(x)
    x = layers.Activation("relu", name=f"{name}_relu")(x)
    x = layers.Conv2D(int(x.shape[-1] * reduction), 1, use_bias=False, name=f"{name}_conv")(x)
    return layers.AveragePooling2D(2, strides=2, name=f"{name}_pool")(x)


def build_densenet(arguments: _base.Arguments, name: str, *, blocks: tuple[int, int, int, int], depth: int) -> Any:
    shape = _base.input_shape(name, arguments, default_size=224, min_size=32)
    image = _base.image_input(name, arguments, shape)
    x = layers.ZeroPadding2D(padding=((3, 3), (3, 3)))(image)
    x = layers.Conv2D(64, 7, strides=2, use_bias=False, name="conv1_conv")(x)
    x = layers.BatchNormalization(epsilon=BN_EPSILON, name="conv1_bn")(x)
    x = layers.Activation("relu", name="conv1_relu")(x)
    x = layers.ZeroPadding2D(padding=((1, 1), (1, 1)))(x)
    x = layers.MaxPooling2D(3, strides=2, name="pool1")(x)
    for stage, count in enumerate(blocks, start=2):
        for index in range(1, count + 1):
            x = conv_block(x, name=f"conv{stage}_block{index}")
        if stage < 5:
            x = transition_block(x, 0.5, name=f"pool{stage}")
    x = layers.BatchNormalization(epsilon=BN_EPSILON, name="bn")(x)
    x = layers.Activation("relu", name="relu")(x)
    x = _base.classifier(x, arguments) if arguments.include_top else _base.pooled(x, arguments.pooling)
    top, notop = WEIGHT_HASHES[depth]
    stem = f"densenet{depth}_weights_tf_dim_ordering_tf_kernels"
    files = (_base.WeightFile("densenet", f"{stem}.h5", top), _base.WeightFile("densenet", f"{stem}_notop.h5", notop))
    return _base.model(name, image, x, arguments, files)


def _densenet(depth: int, blocks: tuple[int, int, int, int]) -> Callable[..., Any]:
    return _base.constructor(
        f"DenseNet{depth}", functools.partial(build_densenet, blocks=blocks, depth=depth),
        f"""DenseNet{depth}: four dense blocks of {blocks} layers; Keras's arguments.

        Example:
            >>> model = oi.applications.DenseNet{depth}(weights=None, input_shape=(32, 32, 3), classes=10)
        """, {**_base.STANDARD, "name": f"densenet{depth}"})


DenseNet121 = _densenet(121, (6, 12, 24, 16))
DenseNet169 = _densenet(169, (6, 12, 32, 32))
DenseNet201 = _densenet(201, (6, 12, 48, 32))
