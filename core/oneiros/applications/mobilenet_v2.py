"""MobileNetV2 (Sandler et al., "MobileNetV2: Inverted Residuals and Linear Bottlenecks", 2018).

Example:
    >>> model = oi.applications.MobileNetV2(weights=None, input_shape=(32, 32, 3), alpha=0.35, classes=10)
    >>> x = oi.applications.mobilenet_v2.preprocess_input(images)  # to [-1, 1]
"""

from __future__ import annotations

import warnings
from typing import Any

from oneiros import layers
from oneiros.applications import _base
from oneiros.applications._inverted_residual import inverted_residual, make_divisible
from oneiros.applications.imagenet_utils import decode_predictions
from oneiros.applications.resnet_v2 import preprocess_input

__all__ = ["MobileNetV2", "decode_predictions", "preprocess_input"]

IMAGENET_SIZES = (96, 128, 160, 192, 224)
IMAGENET_ALPHAS = (0.35, 0.5, 0.75, 1.0, 1.3, 1.4)
BATCH_NORM: dict[str, Any] = {"epsilon": 1e-3, "momentum": 0.999}

BLOCKS = ((16, 1, 1), (24, 2, 6), (24, 1, 6), (32, 2, 6), (32, 1, 6), (32, 1, 6), (64, 2, 6), (64, 1, 6), (64, 1, 6),
          (64, 1, 6), (96, 1, 6), (96, 1, 6), (96, 1, 6), (160, 2, 6), (160, 1, 6), (160, 1, 6), (320, 1, 6))
"""(filters, stride, expansion) of the seventeen inverted residual blocks."""


def relu6(x: Any, name: str | None) -> Any:
    return layers.ReLU(6.0, name=name)(x)


def block_names(block_id: int) -> dict[str, str]:
    prefix = f"block_{block_id}_" if block_id else "expanded_conv_"
    roles = {"expand": "expand", "expand_bn": "expand_BN", "expand_activation": "expand_relu", "pad": "pad",
             "depthwise": "depthwise", "depthwise_bn": "depthwise_BN", "depthwise_activation": "depthwise_relu",
             "project": "project", "project_bn": "project_BN", "add": "add"}
    return {role: prefix + suffix for role, suffix in roles.items()}


def build_mobilenet_v2(arguments: _base.Arguments, alpha: float, name: str | None) -> Any:
    label = name or "MobileNetV2"
    arguments = _base.with_tensor_shape(arguments)
    given = tuple(arguments.input_shape) if arguments.input_shape is not None else None
    square = given is not None and given[0] == given[1] and given[0] in IMAGENET_SIZES
    shape = _base.input_shape(label, arguments, default_size=given[0] if given is not None and square else 224, min_size=32)
    rows = shape[0]
    if arguments.weights == "imagenet":
        if alpha not in IMAGENET_ALPHAS:
            raise ValueError(f"{label}: ImageNet weights exist for alpha in {IMAGENET_ALPHAS}; received alpha={alpha!r}.")
        if rows != shape[1] or rows not in IMAGENET_SIZES:
            warnings.warn(f"{label}: input_shape {shape} is undefined, non-square or not in {IMAGENET_SIZES}; the "
                          "weights for 224x224 inputs are loaded.", stacklevel=3)
            rows = 224
    image = _base.image_input(label, arguments, shape)
    x = layers.Conv2D(make_divisible(32 * alpha, 8), kernel_size=3, strides=(2, 2), padding="same", use_bias=False,
                      name="Conv1")(image)
    x = layers.BatchNormalization(name="bn_Conv1", **BATCH_NORM)(x)
    x = layers.ReLU(6.0, name="Conv1_relu")(x)
    for block_id, (filters, stride, expansion) in enumerate(BLOCKS):
        x = inverted_residual(x, filters=make_divisible(int(filters * alpha), 8), kernel_size=3, stride=stride,
                              expanded_filters=expansion * x.shape[-1] if block_id else None, activation=relu6,
                              names=block_names(block_id), batch_norm=BATCH_NORM)
    last_filters = make_divisible(1280 * alpha, 8) if alpha > 1.0 else 1280
    x = layers.Conv2D(last_filters, kernel_size=1, use_bias=False, name="Conv_1")(x)
    x = layers.BatchNormalization(name="Conv_1_bn", **BATCH_NORM)(x)
    x = layers.ReLU(6.0, name="out_relu")(x)
    if arguments.include_top:
        x = layers.GlobalAveragePooling2D()(x)
        x = layers.Dense(arguments.classes, activation=arguments.classifier_activation, name="predictions")(x)
    else:
        x = _base.pooled(x, arguments.pooling, (None, None))
    stem = f"mobilenet_v2_weights_tf_dim_ordering_tf_kernels_{float(alpha)}_{rows}"
    files = (_base.WeightFile("mobilenet_v2", f"{stem}.h5", None),
             _base.WeightFile("mobilenet_v2", f"{stem}_no_top.h5", None))
    return _base.model(name or f"mobilenetv2_{alpha:0.2f}_{rows}", image, x, arguments, files)


MobileNetV2 = _base.constructor("MobileNetV2", build_mobilenet_v2, """MobileNetV2: seventeen inverted residual
    blocks of width ``alpha``; Keras's arguments, plus ``alpha``.

    Example:
        >>> model = oi.applications.MobileNetV2(weights=None, input_shape=(32, 32, 3), alpha=0.35, classes=10)
    """, _base.shape_first({"alpha": 1.0}))
