"""A small residual network for 32x32 images (the CIFAR-10 ResNet family, He et al. 2016)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import oneiros as oi
from oneiros import layers

from oneiros_vision.layers import Conv2D, GlobalAveragePooling2D


def _conv_bn(inputs: Any, filters: int, strides: int, kernel_size: int = 3, relu: bool = True) -> Any:
    outputs = Conv2D(filters, kernel_size, strides=strides, padding="same", use_bias=False,
                     kernel_initializer="he_normal")(inputs)
    outputs = layers.BatchNormalization()(outputs)
    return layers.Activation("relu")(outputs) if relu else outputs


def _residual_block(inputs: Any, filters: int, strides: int) -> Any:
    residual = _conv_bn(_conv_bn(inputs, filters, strides), filters, 1, relu=False)
    shortcut = inputs
    if strides != 1 or inputs.shape[-1] != filters:
        shortcut = _conv_bn(inputs, filters, strides, kernel_size=1, relu=False)
    return layers.Activation("relu")(layers.Add()([residual, shortcut]))


def small_resnet(input_shape: Sequence[int] = (32, 32, 3), num_classes: int = 10, blocks_per_stage: int = 1,
                 stage_filters: Sequence[int] = (16, 32, 64), name: str = "small_resnet") -> Any:
    """A functional ResNet: a 3x3 stem, then per stage ``blocks_per_stage`` residual blocks
    (two 3x3 conv + batch norm, an identity shortcut, or a strided 1x1 projection where the
    stage halves the size), global average pooling and a softmax. Depth 6n + 2 for n blocks per
    stage: the defaults give ResNet-8; ``blocks_per_stage=3`` gives ResNet-20. Uncompiled.

    Example::

        model = small_resnet(blocks_per_stage=3)           # ResNet-20 for CIFAR-10
    """
    if not isinstance(blocks_per_stage, int) or blocks_per_stage < 1:
        raise ValueError(f"small_resnet: `blocks_per_stage` must be a positive int; received {blocks_per_stage!r}.")
    if not stage_filters or not all(isinstance(f, int) and f > 0 for f in stage_filters):
        raise ValueError(f"small_resnet: `stage_filters` must be positive ints; received {stage_filters!r}.")
    inputs = layers.Input(tuple(input_shape))
    outputs = _conv_bn(inputs, stage_filters[0], 1)
    for stage, filters in enumerate(stage_filters):
        for block in range(blocks_per_stage):
            outputs = _residual_block(outputs, filters, 2 if stage > 0 and block == 0 else 1)
    outputs = GlobalAveragePooling2D()(outputs)
    outputs = layers.Dense(num_classes, activation="softmax")(outputs)
    return oi.Model(inputs, outputs, name=name)
