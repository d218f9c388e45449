"""MobileNet (Howard et al., "MobileNets: Efficient Convolutional Neural Networks for Mobile Vision
Applications", 2017).

Example:
    >>> model = oi.applications.MobileNet(weights=None, input_shape=(32, 32, 3), alpha=0.5, classes=10)
    >>> x = oi.applications.mobilenet.preprocess_input(images)  # to [-1, 1]
"""

from __future__ import annotations

import warnings
from typing import Any

from oneiros import layers
from oneiros.applications import _base
from oneiros.applications.imagenet_utils import decode_predictions
from oneiros.applications.resnet_v2 import preprocess_input

__all__ = ["MobileNet", "decode_predictions", "preprocess_input"]

IMAGENET_SIZES = (128, 160, 192, 224)
IMAGENET_ALPHAS = {1.0: "1_0", 0.75: "7_5", 0.5: "5_0", 0.25: "2_5"}
"""The input sizes and widths Keras publishes ImageNet weights for, and each width's file-name text."""

BLOCKS = ((64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2), *((512, 1),) * 5, (1024, 2), (1024, 1))
"""(pointwise filters, stride) of the thirteen depthwise separable blocks."""


def imagenet_size(name: str, shape: tuple, alpha: float, weights: Any) -> int:
    """The square input size the published weights were trained at (Keras's rule: 224 otherwise)."""
    rows, cols = shape[0], shape[1]
    if weights != "imagenet":
        return rows
    if alpha not in IMAGENET_ALPHAS:
        raise ValueError(f"{name}: ImageNet weights exist for alpha in {tuple(IMAGENET_ALPHAS)}; received alpha={alpha!r}.")
    if rows != cols or rows not in IMAGENET_SIZES:
        warnings.warn(f"{name}: input_shape {shape} is undefined, non-square or not in {IMAGENET_SIZES}; the weights "
                      "for 224x224 inputs are loaded.", stacklevel=4)
        return 224
    return rows


def depthwise_block(x: Any, filters: int, alpha: float, depth_multiplier: int, stride: int, block_id: int) -> Any:
    """3x3 depthwise convolution, normalization, ReLU6, then the same after a 1x1 pointwise convolution."""
    if stride != 1:
        x = layers.ZeroPadding2D(((0, 1), (0, 1)), name=f"conv_pad_{block_id}")(x)
    x = layers.DepthwiseConv2D((3, 3), padding="same" if stride == 1 else "valid", depth_multiplier=depth_multiplier,
                               strides=(stride, stride), use_bias=False, name=f"conv_dw_{block_id}")(x)
    x = layers.BatchNormalization(name=f"conv_dw_{block_id}_bn")(x)
    x = layers.ReLU(6.0, name=f"conv_dw_{block_id}_relu")(x)
    x = layers.Conv2D(int(filters * alpha), (1, 1), padding="same", use_bias=False, strides=(1, 1),
                      name=f"conv_pw_{block_id}")(x)
    x = layers.BatchNormalization(name=f"conv_pw_{block_id}_bn")(x)
    return layers.ReLU(6.0, name=f"conv_pw_{block_id}_relu")(x)


def build_mobilenet(arguments: _base.Arguments, alpha: float, depth_multiplier: int, dropout: float,
                    name: str | None) -> Any:
    label = name or "MobileNet"
    if arguments.weights == "imagenet" and depth_multiplier != 1:
        raise ValueError(f"{label}: ImageNet weights need depth_multiplier=1; received {depth_multiplier!r}.")
    given = tuple(arguments.input_shape) if arguments.input_shape is not None else None
    square = given is not None and given[0] == given[1] and given[0] in IMAGENET_SIZES
    shape = _base.input_shape(label, arguments, default_size=given[0] if given is not None and square else 224, min_size=32)
    rows = imagenet_size(label, shape, alpha, arguments.weights)
    image = _base.image_input(label, arguments, shape)
    x = layers.Conv2D(int(32 * alpha), (3, 3), padding="same", use_bias=False, strides=(2, 2), name="conv1")(image)
    x = layers.BatchNormalization(name="conv1_bn")(x)
    x = layers.ReLU(6.0, name="conv1_relu")(x)
    for block_id, (filters, stride) in enumerate(BLOCKS, start=1):
        x = depthwise_block(x, filters, alpha, depth_multiplier, stride, block_id)
    if arguments.include_top:
        x = layers.GlobalAveragePooling2D(keepdims=True)(x)
        x = layers.Dropout(dropout, name="dropout")(x)
        x = layers.Conv2D(arguments.classes, (1, 1), padding="same", name="conv_preds")(x)
        x = layers.Reshape((arguments.classes,), name="reshape_2")(x)
        x = layers.Activation(activation=arguments.classifier_activation, name="predictions")(x)
    else:
        x = _base.pooled(x, arguments.pooling, (None, None))
    alpha_text = IMAGENET_ALPHAS.get(alpha, "")
    files = (_base.WeightFile("mobilenet", f"mobilenet_{alpha_text}_{rows}_tf.h5", None),
             _base.WeightFile("mobilenet", f"mobilenet_{alpha_text}_{rows}_tf_no_top.h5", None))
    return _base.model(name or f"mobilenet_{alpha:0.2f}_{rows}", image, x, arguments, files)


MobileNet = _base.constructor("MobileNet", build_mobilenet, """MobileNet: thirteen depthwise separable blocks of
    width ``alpha``; Keras's arguments, plus ``alpha``, ``depth_multiplier`` and ``dropout``.

    Example:
        >>> model = oi.applications.MobileNet(weights=None, input_shape=(32, 32, 3), alpha=0.5, classes=10)
    """, _base.shape_first({"alpha": 1.0, "depth_multiplier": 1, "dropout": 1e-3}))
