"""EfficientNetB0 to B7 (Tan and Le, "EfficientNet: Rethinking Model Scaling for Convolutional Neural
Networks", 2019).

The models rescale and normalize their input themselves, so ``preprocess_input`` returns its input
unchanged, as in Keras.

Example:
    >>> model = oi.applications.EfficientNetB0(weights=None, input_shape=(32, 32, 3), classes=10)
"""

from __future__ import annotations

import functools
import math
from typing import Any

from oneiros import layers
from oneiros.applications import _base
from oneiros.applications._inverted_residual import correct_pad, inverted_residual, make_divisible
from oneiros.applications.imagenet_utils import decode_predictions
from oneiros.applications.mobilenet_v3 import preprocess_input

__all__ = [*(f"EfficientNetB{index}" for index in range(8)), "decode_predictions", "preprocess_input"]

WEIGHTS_URL = "https://storage.googleapis.com/keras-applications/"

WEIGHT_HASHES = {
    "b0": ("902e53a9f72be733fc0bcb005b3ebbac", "50bc09e76180e00e4465e1a485ddc09d"),
    "b1": ("1d254153d4ab51201f1646940f018540", "74c4e6b3e1f6a1eea24c589628592432"),
    "b2": ("b15cce36ff4dcbd00b6dd88e7857a6ad", "111f8e2ac8aa800a7a99e3239f7bfb39"),
    "b3": ("ffd1fdc53d0ce67064dc6a9c7960ede0", "af6d107764bb5b1abb91932881670226"),
    "b4": ("18c95ad55216b8f92d7e70b3a046e2fc", "ebc24e6d6c33eaebbd558eafbeedf1ba"),
    "b5": ("ace28f2a6363774853a83a0b21b9421a", "38879255a25d3c92d5e44e04ae6cec6f"),
    "b6": ("165f6e37dce68623721b423839de8be5", "9ecce42647a20130c1f39a5d4cb75743"),
    "b7": ("8c03f828fec3ef71311cd463b6759d99", "cbcfe4450ddf6f3ad90b1b398090fe4a"),
}
"""Keras's md5 of each published file: (with top, without top)."""

SCALING = {"b0": (1.0, 1.0, 224, 0.2), "b1": (1.0, 1.1, 240, 0.2), "b2": (1.1, 1.2, 260, 0.3),
           "b3": (1.2, 1.4, 300, 0.3), "b4": (1.4, 1.8, 380, 0.4), "b5": (1.6, 2.2, 456, 0.4),
           "b6": (1.8, 2.6, 528, 0.5), "b7": (2.0, 3.1, 600, 0.5)}
"""(width coefficient, depth coefficient, default input size, top dropout) of each variant."""

BLOCKS = ((3, 1, 32, 16, 1, 1), (3, 2, 16, 24, 6, 2), (5, 2, 24, 40, 6, 2), (3, 3, 40, 80, 6, 2),
          (5, 3, 80, 112, 6, 1), (5, 4, 112, 192, 6, 2), (3, 1, 192, 320, 6, 1))
"""(kernel size, repeats, filters in, filters out, expansion, stride) of the seven stages (squeeze ratio 0.25)."""

IMAGENET_STDDEV_RGB = (0.229, 0.224, 0.225)
DROP_CONNECT_RATE = 0.2

CONV_KERNEL_INITIALIZER = {"class_name": "VarianceScaling",
                           "config": {"scale": 2.0, "mode": "fan_out", "distribution": "truncated_normal"}}
DENSE_KERNEL_INITIALIZER = {"class_name": "VarianceScaling",
                            "config": {"scale": 1.0 / 3.0, "mode": "fan_out", "distribution": "uniform"}}


def swish(x: Any, name: str | None) -> Any:
    return layers.Activation("swish", name=name)(x)


def squeeze_excite(filters: int, filters_in: int, prefix: str, activation: str = "swish") -> Any:
    """Global pooling, a reduction to a quarter of ``filters_in`` and a sigmoid gate on the channels."""

    def apply(inputs: Any) -> Any:
        x = layers.GlobalAveragePooling2D(name=f"{prefix}se_squeeze")(inputs)
        x = layers.Reshape((1, 1, filters), name=f"{prefix}se_reshape")(x)
        x = layers.Conv2D(max(1, int(filters_in * 0.25)), 1, padding="same", activation=activation,
                          kernel_initializer=CONV_KERNEL_INITIALIZER, name=f"{prefix}se_reduce")(x)
        x = layers.Conv2D(filters, 1, padding="same", activation="sigmoid", kernel_initializer=CONV_KERNEL_INITIALIZER,
                          name=f"{prefix}se_expand")(x)
        return layers.multiply([inputs, x], name=f"{prefix}se_excite")

    return apply


def block_names(prefix: str) -> dict[str, str]:
    roles = {"expand": "expand_conv", "expand_bn": "expand_bn", "expand_activation": "expand_activation",
             "pad": "dwconv_pad", "depthwise": "dwconv", "depthwise_bn": "bn", "depthwise_activation": "activation",
             "project": "project_conv", "project_bn": "project_bn", "drop": "drop", "add": "add"}
    return {role: prefix + suffix for role, suffix in roles.items()}


def input_normalization(x: Any, weights: Any) -> Any:
    """Pixels to [0, 1], then ImageNet's standardization (its statistics come with the weights)."""
    x = layers.Rescaling(1.0 / 255.0)(x)
    x = layers.Normalization(axis=-1)(x)
    if weights == "imagenet":
        x = layers.Rescaling([1.0 / math.sqrt(stddev) for stddev in IMAGENET_STDDEV_RGB])(x)
    return x


def build_efficientnet(arguments: _base.Arguments, name: str, *, variant: str) -> Any:
    width, depth, default_size, dropout = SCALING[variant]
    shape = _base.input_shape(name, arguments, default_size=default_size, min_size=32)
    image = _base.image_input(name, arguments, shape)

    def round_filters(filters: int) -> int:
        return make_divisible(filters * width, 8)

    x = input_normalization(image, arguments.weights)
    x = layers.ZeroPadding2D(padding=correct_pad(x, 3), name="stem_conv_pad")(x)
    x = layers.Conv2D(round_filters(32), 3, strides=2, padding="valid", use_bias=False,
                      kernel_initializer=CONV_KERNEL_INITIALIZER, name="stem_conv")(x)
    x = layers.BatchNormalization(name="stem_bn")(x)
    x = swish(x, "stem_activation")
    total = float(sum(math.ceil(depth * repeats) for _, repeats, *_ in BLOCKS))
    index = 0
    for stage, (kernel_size, repeats, filters_in, filters_out, expansion, stride) in enumerate(BLOCKS, start=1):
        filters_in, filters_out = round_filters(filters_in), round_filters(filters_out)
        for repeat in range(math.ceil(depth * repeats)):
            if repeat > 0:
                stride, filters_in = 1, filters_out
            prefix = f"block{stage}{chr(repeat + 97)}_"
            expanded = filters_in * expansion
            x = inverted_residual(
                x, filters=filters_out, kernel_size=kernel_size, stride=stride,
                expanded_filters=expanded if expansion != 1 else None, activation=swish, names=block_names(prefix),
                batch_norm={}, squeeze_excite=squeeze_excite(expanded, filters_in, prefix),
                conv_options={"kernel_initializer": CONV_KERNEL_INITIALIZER},
                drop_rate=DROP_CONNECT_RATE * index / total)
            index += 1
    x = layers.Conv2D(round_filters(1280), 1, padding="same", use_bias=False, kernel_initializer=CONV_KERNEL_INITIALIZER,
                      name="top_conv")(x)
    x = layers.BatchNormalization(name="top_bn")(x)
    x = swish(x, "top_activation")
    if arguments.include_top:
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
        if dropout > 0:
            x = layers.Dropout(dropout, name="top_dropout")(x)
        x = layers.Dense(arguments.classes, activation=arguments.classifier_activation,
                         kernel_initializer=DENSE_KERNEL_INITIALIZER, name="predictions")(x)
    else:
        x = _base.pooled(x, arguments.pooling)
    top, notop = WEIGHT_HASHES[variant]
    files = (_base.WeightFile("", f"{name}.h5", top, WEIGHTS_URL),
             _base.WeightFile("", f"{name}_notop.h5", notop, WEIGHTS_URL))
    return _base.model(name, image, x, arguments, files)


def _efficientnet(index: int) -> Any:
    return _base.constructor(
        f"EfficientNetB{index}", functools.partial(build_efficientnet, variant=f"b{index}"),
        f"""EfficientNetB{index}: the compound-scaled MBConv network, default input {SCALING[f'b{index}'][2]}x{SCALING[f'b{index}'][2]};
        Keras's arguments.

        Example:
            >>> model = oi.applications.EfficientNetB{index}(weights=None, input_shape=(32, 32, 3), classes=10)
        """, {**_base.STANDARD, "name": f"efficientnetb{index}"})


EfficientNetB0 = _efficientnet(0)
EfficientNetB1 = _efficientnet(1)
EfficientNetB2 = _efficientnet(2)
EfficientNetB3 = _efficientnet(3)
EfficientNetB4 = _efficientnet(4)
EfficientNetB5 = _efficientnet(5)
EfficientNetB6 = _efficientnet(6)
EfficientNetB7 = _efficientnet(7)
