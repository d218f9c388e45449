"""EfficientNetV2B0 to B3, S, M and L (Tan and Le, "EfficientNetV2: Smaller Models and Faster Training", 2021).

The models rescale (and for B0-B3 normalize) their input themselves (``include_preprocessing=True``),
so ``preprocess_input`` returns its input unchanged, as in Keras.

Example:
    >>> model = oi.applications.EfficientNetV2B0(weights=None, input_shape=(32, 32, 3), classes=10)
"""

from __future__ import annotations

import functools
import math
from typing import Any

from oneiros import layers
from oneiros.applications import _base
from oneiros.applications._inverted_residual import inverted_residual
from oneiros.applications.efficientnet import (CONV_KERNEL_INITIALIZER, DENSE_KERNEL_INITIALIZER, block_names,
                                               squeeze_excite, swish)
from oneiros.applications.imagenet_utils import TORCH_MEAN, TORCH_STD, decode_predictions
from oneiros.applications.mobilenet_v3 import preprocess_input

__all__ = [*(f"EfficientNetV2{size}" for size in ("B0", "B1", "B2", "B3", "S", "M", "L")), "decode_predictions",
           "preprocess_input"]

WEIGHT_HASHES = {
    "b0": ("21ecbf6da12460d5c40bb2f29ceb2188", "893217f2bb855e2983157299931e43ff"),
    "b1": ("069f0534ff22adf035c89e2d9547a9dc", "0e80663031ca32d657f9caa404b6ec37"),
    "b2": ("424e49f28180edbde1e94797771950a7", "1dfe2e7a5d45b6632553a8961ea609eb"),
    "b3": ("1f1fc43bd98a6e4fd8fdfd551e02c7a0", "f6abf7b5849ac99a89b50dd3fd532856"),
    "s": ("e1d88a8495beba45748fedd0cecbe016", "af0682fb74e8c54910f2d4393339c070"),
    "m": ("a3bf6aa3276309f4fc6a34aa114c95cd", "1b8dc055df72dde80d614482840fe342"),
    "l": ("27e6d408b53c7ebc868fefa357689935", "b0b66b5c863aef5b46e8608fe1711615"),
}
"""Keras's md5 of each published file: (with top, without top)."""

SCALING = {"b0": (1.0, 1.0, 224), "b1": (1.0, 1.1, 240), "b2": (1.1, 1.2, 260), "b3": (1.2, 1.4, 300),
           "s": (1.0, 1.0, 384), "m": (1.0, 1.0, 480), "l": (1.0, 1.0, 480)}
"""(width coefficient, depth coefficient, default input size) of each variant."""

BASE_BLOCKS = ((3, 1, 32, 16, 1, 0, 1, 1), (3, 2, 16, 32, 4, 0, 2, 1), (3, 2, 32, 48, 4, 0, 2, 1),
               (3, 3, 48, 96, 4, 0.25, 2, 0), (3, 5, 96, 112, 6, 0.25, 1, 0), (3, 8, 112, 192, 6, 0.25, 2, 0))
BLOCKS = {
    **dict.fromkeys(("b0", "b1", "b2", "b3"), BASE_BLOCKS),
    "s": ((3, 2, 24, 24, 1, 0, 1, 1), (3, 4, 24, 48, 4, 0, 2, 1), (3, 4, 48, 64, 4, 0, 2, 1),
          (3, 6, 64, 128, 4, 0.25, 2, 0), (3, 9, 128, 160, 6, 0.25, 1, 0), (3, 15, 160, 256, 6, 0.25, 2, 0)),
    "m": ((3, 3, 24, 24, 1, 0, 1, 1), (3, 5, 24, 48, 4, 0, 2, 1), (3, 5, 48, 80, 4, 0, 2, 1),
          (3, 7, 80, 160, 4, 0.25, 2, 0), (3, 14, 160, 176, 6, 0.25, 1, 0), (3, 18, 176, 304, 6, 0.25, 2, 0),
          (3, 5, 304, 512, 6, 0.25, 1, 0)),
    "l": ((3, 4, 32, 32, 1, 0, 1, 1), (3, 7, 32, 64, 4, 0, 2, 1), (3, 7, 64, 96, 4, 0, 2, 1),
          (3, 10, 96, 192, 4, 0.25, 2, 0), (3, 19, 192, 224, 6, 0.25, 1, 0), (3, 25, 224, 384, 6, 0.25, 2, 0),
          (3, 7, 384, 640, 6, 0.25, 1, 0)),
}
"""(kernel size, repeats, filters in, filters out, expansion, squeeze ratio, stride, fused) of each stage."""

BATCH_NORM: dict[str, Any] = {"momentum": 0.9}
DROP_CONNECT_RATE = 0.2
TOP_DROPOUT = 0.2


def round_filters(filters: float, width: float, divisor: int = 8) -> int:
    return max(divisor, int(filters * width + divisor / 2) // divisor * divisor)


def fused_block(x: Any, filters_in: int, filters_out: int, expansion: int, kernel_size: int, stride: int,
                drop_rate: float, prefix: str) -> Any:
    """Fused MBConv: one full k x k convolution in place of the expansion and the depthwise convolution."""
    shortcut = x
    options = {"padding": "same", "use_bias": False, "kernel_initializer": CONV_KERNEL_INITIALIZER}
    if expansion != 1:
        x = layers.Conv2D(filters_in * expansion, kernel_size=kernel_size, strides=stride, name=f"{prefix}expand_conv",
                          **options)(x)
        x = layers.BatchNormalization(name=f"{prefix}expand_bn", **BATCH_NORM)(x)
        x = swish(x, f"{prefix}expand_activation")
    x = layers.Conv2D(filters_out, kernel_size=1 if expansion != 1 else kernel_size,
                      strides=1 if expansion != 1 else stride, name=f"{prefix}project_conv", **options)(x)
    x = layers.BatchNormalization(name=f"{prefix}project_bn", **BATCH_NORM)(x)
    if expansion == 1:
        x = swish(x, f"{prefix}project_activation")
    if stride == 1 and filters_in == filters_out:
        if drop_rate:
            x = layers.Dropout(drop_rate, noise_shape=(None, 1, 1, 1), name=f"{prefix}drop")(x)
        x = layers.add([x, shortcut], name=f"{prefix}add")
    return x


def build_efficientnet_v2(arguments: _base.Arguments, include_preprocessing: bool, name: str, *, variant: str) -> Any:
    width, depth, default_size = SCALING[variant]
    blocks = BLOCKS[variant]
    shape = _base.input_shape(name, arguments, default_size=default_size, min_size=32)
    image = _base.image_input(name, arguments, shape)
    x = image
    if include_preprocessing:
        if variant.startswith("b") and shape[-1] == 3:
            x = layers.Rescaling(scale=1.0 / 255)(x)
            x = layers.Normalization(mean=list(TORCH_MEAN), variance=[std ** 2 for std in TORCH_STD], axis=-1)(x)
        else:
            x = layers.Rescaling(scale=1.0 / 128.0, offset=-1)(x)
    x = layers.Conv2D(round_filters(blocks[0][2], width), kernel_size=3, strides=2,
                      kernel_initializer=CONV_KERNEL_INITIALIZER, padding="same", use_bias=False, name="stem_conv")(x)
    x = layers.BatchNormalization(name="stem_bn", **BATCH_NORM)(x)
    x = swish(x, "stem_activation")
    total = float(sum(block[1] for block in blocks))
    index = 0
    for stage, (kernel_size, repeats, filters_in, filters_out, expansion, se_ratio, stride, fused) in enumerate(
            blocks, start=1):
        filters_in, filters_out = round_filters(filters_in, width), round_filters(filters_out, width)
        for repeat in range(math.ceil(depth * repeats)):
            if repeat > 0:
                stride, filters_in = 1, filters_out
            prefix = f"block{stage}{chr(repeat + 97)}_"
            drop_rate = DROP_CONNECT_RATE * index / total
            if fused:
                x = fused_block(x, filters_in, filters_out, expansion, kernel_size, stride, drop_rate, prefix)
            else:
                expanded = filters_in * expansion
                x = inverted_residual(
                    x, filters=filters_out, kernel_size=kernel_size, stride=stride,
                    expanded_filters=expanded if expansion != 1 else None, activation=swish,
                    names={**block_names(prefix), "depthwise": f"{prefix}dwconv2"}, batch_norm=BATCH_NORM,
                    squeeze_excite=squeeze_excite(expanded, filters_in, prefix) if 0 < se_ratio <= 1 else None,
                    conv_options={"kernel_initializer": CONV_KERNEL_INITIALIZER}, drop_rate=drop_rate,
                    pad_strided=False)
            index += 1
    x = layers.Conv2D(round_filters(1280, width), kernel_size=1, strides=1, kernel_initializer=CONV_KERNEL_INITIALIZER,
                      padding="same", use_bias=False, name="top_conv")(x)
    x = layers.BatchNormalization(name="top_bn", **BATCH_NORM)(x)
    x = swish(x, "top_activation")
    if arguments.include_top:
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
        x = layers.Dropout(TOP_DROPOUT, name="top_dropout")(x)
        x = layers.Dense(arguments.classes, activation=arguments.classifier_activation,
                         kernel_initializer=DENSE_KERNEL_INITIALIZER, bias_initializer="zeros", name="predictions")(x)
    else:
        x = _base.pooled(x, arguments.pooling)
    top, notop = WEIGHT_HASHES[variant]
    stem = f"efficientnetv2-{variant}"
    files = (_base.WeightFile("efficientnet_v2", f"{stem}.h5", top),
             _base.WeightFile("efficientnet_v2", f"{stem}_notop.h5", notop))
    return _base.model(name, image, x, arguments, files)


def _efficientnet_v2(size: str) -> Any:
    variant = size.lower()
    return _base.constructor(
        f"EfficientNetV2{size}", functools.partial(build_efficientnet_v2, variant=variant),
        f"""EfficientNetV2{size}: fused and depthwise MBConv stages, default input {SCALING[variant][2]}x{SCALING[variant][2]};
        Keras's arguments, plus ``include_preprocessing``.

        Example:
            >>> model = oi.applications.EfficientNetV2{size}(weights=None, input_shape=(32, 32, 3), classes=10)
        """, {**_base.STANDARD, "include_preprocessing": True, "name": f"efficientnetv2-{variant}"})


EfficientNetV2B0 = _efficientnet_v2("B0")
EfficientNetV2B1 = _efficientnet_v2("B1")
EfficientNetV2B2 = _efficientnet_v2("B2")
EfficientNetV2B3 = _efficientnet_v2("B3")
EfficientNetV2S = _efficientnet_v2("S")
EfficientNetV2M = _efficientnet_v2("M")
EfficientNetV2L = _efficientnet_v2("L")
