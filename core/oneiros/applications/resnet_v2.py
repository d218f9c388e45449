"""ResNet50V2, ResNet101V2 and ResNet152V2 (He et al., "Identity Mappings in Deep Residual Networks", 2016).

Example:
    >>> model = oi.applications.ResNet50V2(weights=None, input_shape=(64, 64, 3), classes=10)
    >>> x = oi.applications.resnet_v2.preprocess_input(images)  # to [-1, 1]
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from oneiros import layers
from oneiros.applications import _base
from oneiros.applications.imagenet_utils import decode_predictions
from oneiros.applications.imagenet_utils import preprocess_input as _imagenet_preprocess
from oneiros.applications.resnet import BN_EPSILON, build_resnet, stages

__all__ = ["ResNet50V2", "ResNet101V2", "ResNet152V2", "decode_predictions", "preprocess_input"]


def preprocess_input(x: Any, data_format: str | None = None) -> Any:
    """Scales pixels from [0, 255] to [-1, 1]."""
    return _imagenet_preprocess(x, data_format=data_format, mode="tf")


def preactivated_block(x: Any, filters: int, stride: int = 1, conv_shortcut: bool = False, name: str = "") -> Any:
    """The pre-activation bottleneck block: normalization and ReLU before each convolution."""
    preact = layers.BatchNormalization(epsilon=BN_EPSILON, name=f"{name}_preact_bn")(x)
    preact = layers.Activation("relu", name=f"{name}_preact_relu")(preact)
    if conv_shortcut:
        shortcut = layers.Conv2D(4 * filters, 1, strides=stride, name=f"{name}_0_conv")(preact)
    else:
        shortcut = layers.MaxPooling2D(1, strides=stride)(x) if stride > 1 else x
    x = layers.Conv2D(filters, 1, strides=1, use_bias=False, name=f"{name}_1_conv")(preact)
    x = layers.BatchNormalization(epsilon=BN_EPSILON, name=f"{name}_1_bn")(x)
    x = layers.Activation("relu", name=f"{name}_1_relu")(x)
    x = layers.ZeroPadding2D(padding=((1, 1), (1, 1)), name=f"{name}_2_pad")(x)
    x = layers.Conv2D(filters, 3, strides=stride, use_bias=False, name=f"{name}_2_conv")(x)
    x = layers.BatchNormalization(epsilon=BN_EPSILON, name=f"{name}_2_bn")(x)
    x = layers.Activation("relu", name=f"{name}_2_relu")(x)
    x = layers.Conv2D(4 * filters, 1, name=f"{name}_3_conv")(x)
    return layers.Add(name=f"{name}_out")([shortcut, x])


def preactivated_stack(x: Any, filters: int, blocks: int, stride1: int = 2, name: str = "") -> Any:
    """The stride comes last in a V2 stack: its final block downsamples."""
    x = preactivated_block(x, filters, conv_shortcut=True, name=f"{name}_block1")
    for index in range(2, blocks):
        x = preactivated_block(x, filters, name=f"{name}_block{index}")
    return preactivated_block(x, filters, stride=stride1, name=f"{name}_block{blocks}")


def _resnet_v2(depth: int, block_counts: tuple[int, int, int, int]) -> Callable[..., Any]:
    return _base.constructor(
        f"ResNet{depth}V2", functools.partial(build_resnet, stack=stages(block_counts, preactivated_stack, (2, 2, 2, 1)),
                                              preact=True, weights_name=f"resnet{depth}v2"),
        f"""ResNet{depth}V2: the pre-activation residual network of {depth} layers; Keras's arguments.

        Example:
            >>> model = oi.applications.ResNet{depth}V2(weights=None, input_shape=(32, 32, 3), classes=10)
        """, {**_base.STANDARD, "name": f"resnet{depth}v2"})


ResNet50V2 = _resnet_v2(50, (3, 4, 6, 3))
ResNet101V2 = _resnet_v2(101, (3, 4, 23, 3))
ResNet152V2 = _resnet_v2(152, (3, 8, 36, 3))
