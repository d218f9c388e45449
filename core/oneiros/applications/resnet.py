"""ResNet50, ResNet101 and ResNet152 (He et al., "Deep Residual Learning for Image Recognition", 2015).

Example:
    >>> model = oi.applications.ResNet50(weights=None, input_shape=(64, 64, 3), classes=10)
    >>> x = oi.applications.resnet.preprocess_input(images)  # caffe: BGR, minus the ImageNet means
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from oneiros import layers
from oneiros.applications import _base
from oneiros.applications.imagenet_utils import decode_predictions
from oneiros.applications.imagenet_utils import preprocess_input as _imagenet_preprocess

BN_EPSILON = 1.001e-5

WEIGHT_HASHES = {
    "resnet50": ("2cb95161c43110f7111970584f804107", "4d473c1dd8becc155b73f8504c6f6626"),
    "resnet101": ("f1aeb4b969a6efcfb50fad2f0c20cfc5", "88cf7a10940856eca736dc7b7e228a21"),
    "resnet152": ("100835be76be38e30d865e96f2aaae62", "ee4c566cf9a93f14d82f913c2dc6dd0c"),
    "resnet50v2": ("3ef43a0b657b3be2300d5770ece849e0", "fac2f116257151a9d068a22e544a4917"),
    "resnet101v2": ("6343647c601c52e1368623803854d971", "c0ed64b8031c3730f411d2eb4eea35b5"),
    "resnet152v2": ("a49b44d1979771252814e80f8ec446f9", "ed17cf2e0169df9d443503ef94b23b33"),
}
"""Keras's md5 of each published file: (with top, without top)."""

__all__ = ["ResNet50", "ResNet101", "ResNet152", "decode_predictions", "preprocess_input"]


def preprocess_input(x: Any, data_format: str | None = None) -> Any:
    """Caffe-style: RGB to BGR, then minus the ImageNet channel means (no scaling)."""
    return _imagenet_preprocess(x, data_format=data_format, mode="caffe")


def weight_files(weights_name: str) -> tuple[_base.WeightFile, _base.WeightFile]:
    top, notop = WEIGHT_HASHES[weights_name]
    stem = f"{weights_name}_weights_tf_dim_ordering_tf_kernels"
    return _base.WeightFile("resnet", f"{stem}.h5", top), _base.WeightFile("resnet", f"{stem}_notop.h5", notop)


def build_resnet(arguments: _base.Arguments, name: str, *, stack: Callable[[Any], Any], preact: bool,
                 weights_name: str) -> Any:
    """The ResNet stem, ``stack`` of residual blocks and head; ``preact`` for ResNetV2."""
    shape = _base.input_shape(name, arguments, default_size=224, min_size=32)
    image = _base.image_input(name, arguments, shape)
    x = layers.ZeroPadding2D(padding=((3, 3), (3, 3)), name="conv1_pad")(image)
    x = layers.Conv2D(64, 7, strides=2, name="conv1_conv")(x)
    if not preact:
        x = layers.BatchNormalization(epsilon=BN_EPSILON, name="conv1_bn")(x)
        x = layers.Activation("relu", name="conv1_relu")(x)
    x = layers.ZeroPadding2D(padding=((1, 1), (1, 1)), name="pool1_pad")(x)
    x = layers.MaxPooling2D(3, strides=2, name="pool1_pool")(x)
    x = stack(x)
    if preact:
        x = layers.BatchNormalization(epsilon=BN_EPSILON, name="post_bn")(x)
        x = layers.Activation("relu", name="post_relu")(x)
    x = _base.classifier(x, arguments) if arguments.include_top else _base.pooled(x, arguments.pooling)
    return _base.model(name, image, x, arguments, weight_files(weights_name))


def residual_block(x: Any, filters: int, stride: int = 1, conv_shortcut: bool = True, name: str = "") -> Any:
    """The bottleneck block: 1x1, 3x3, 1x1 (four times ``filters``) convolutions plus the shortcut."""
    if conv_shortcut:
        shortcut = layers.Conv2D(4 * filters, 1, strides=stride, name=f"{name}_0_conv")(x)
        shortcut = layers.BatchNormalization(epsilon=BN_EPSILON, name=f"{name}_0_bn")(shortcut)
    else:
        shortcut = x
    x = layers.Conv2D(filters, 1, strides=stride, name=f"{name}_1_conv")(x)
    x = layers.BatchNormalization(epsilon=BN_EPSILON, name=f"{name}_1_bn")(x)
    x = layers.Activation("relu", name=f"{name}_1_relu")(x)
    x = layers.Conv2D(filters, 3, padding="same", name=f"{name}_2_conv")(x)
    x = layers.BatchNormalization(epsilon=BN_EPSILON, name=f"{name}_2_bn")(x)
    x = layers.Activation("relu", name=f"{name}_2_relu")(x)
    x = layers.Conv2D(4 * filters, 1, name=f"{name}_3_conv")(x)
    x = layers.BatchNormalization(epsilon=BN_EPSILON, name=f"{name}_3_bn")(x)
    x = layers.Add(name=f"{name}_add")([shortcut, x])
    return layers.Activation("relu", name=f"{name}_out")(x)


def residual_stack(x: Any, filters: int, blocks: int, stride1: int = 2, name: str = "") -> Any:
    x = residual_block(x, filters, stride=stride1, name=f"{name}_block1")
    for index in range(2, blocks + 1):
        x = residual_block(x, filters, conv_shortcut=False, name=f"{name}_block{index}")
    return x


def stages(block_counts: tuple[int, int, int, int], stack: Callable[..., Any] = residual_stack,
           strides: tuple[int, int, int, int] = (1, 2, 2, 2)) -> Callable[[Any], Any]:
    """The four stages conv2..conv5 of 64, 128, 256 and 512 bottleneck filters."""

    def body(x: Any) -> Any:
        for index, (filters, blocks, stride) in enumerate(zip((64, 128, 256, 512), block_counts, strides)):
            x = stack(x, filters, blocks, stride1=stride, name=f"conv{index + 2}")
        return x

    return body


def _resnet(depth: int, block_counts: tuple[int, int, int, int]) -> Callable[..., Any]:
    return _base.constructor(
        f"ResNet{depth}", functools.partial(build_resnet, stack=stages(block_counts), preact=False,
                                            weights_name=f"resnet{depth}"),
        f"""ResNet{depth}: the residual network of {depth} layers; Keras's arguments.

        Example:
            >>> model = oi.applications.ResNet{depth}(weights=None, input_shape=(32, 32, 3), classes=10)
        """, {**_base.STANDARD, "name": f"resnet{depth}"})


ResNet50 = _resnet(50, (3, 4, 6, 3))
ResNet101 = _resnet(101, (3, 4, 23, 3))
ResNet152 = _resnet(152, (3, 8, 36, 3))
