"""NASNetMobile and NASNetLarge (Zoph et al., "Learning Transferable Architectures for Scalable Image
Recognition", 2018).

Example:
    >>> model = oi.applications.NASNetMobile(weights=None, input_shape=(32, 32, 3), classes=10)
    >>> x = oi.applications.nasnet.preprocess_input(images)  # to [-1, 1]
"""

from __future__ import annotations

import dataclasses
import functools
from typing import Any

from oneiros import layers
from oneiros.applications import _base
from oneiros.applications._inverted_residual import correct_pad
from oneiros.applications.imagenet_utils import decode_predictions
from oneiros.applications.resnet_v2 import preprocess_input

__all__ = ["NASNetLarge", "NASNetMobile", "decode_predictions", "preprocess_input"]

BATCH_NORM: dict[str, Any] = {"momentum": 0.9997, "epsilon": 1e-3}
MULTIPLIER = 2
"""How much the filters grow at each reduction."""

VARIANTS: dict[str, dict[str, Any]] = {
    "mobile": {"penultimate_filters": 1056, "blocks": 4, "stem_filters": 32, "skip_reduction": False,
               "default_size": 224, "files": (("nasnet_mobile.h5", "NASNet-mobile.h5", "020fb642bf7360b370c678b08e0adf61"),
                                              ("nasnet_mobile_no_top.h5", "NASNet-mobile-no-top.h5",
                                               "1ed92395b5b598bdda52abe5c0dbfd63"))},
    "large": {"penultimate_filters": 4032, "blocks": 6, "stem_filters": 96, "skip_reduction": True,
              "default_size": 331, "files": (("nasnet_large.h5", "NASNet-large.h5", "11577c9a518f0070763c2b964a382f17"),
                                             ("nasnet_large_no_top.h5", "NASNet-large-no-top.h5",
                                              "d81d89dc07e6e56530c4e77faddd61b5"))},
}
"""Each variant's sizes, and its published files as (cached name, published name, md5)."""


def separable_block(x: Any, filters: int, kernel_size: tuple[int, int] = (3, 3), strides: tuple[int, int] = (1, 1),
                    block_id: str = "") -> Any:
    """ReLU, separable convolution (strided once if asked), normalization, twice."""
    x = layers.Activation("relu")(x)
    if strides == (2, 2):
        x = layers.ZeroPadding2D(padding=correct_pad(x, kernel_size[0]), name=f"separable_conv_1_pad_{block_id}")(x)
    x = layers.SeparableConv2D(filters, kernel_size, strides=strides, name=f"separable_conv_1_{block_id}",
                               padding="valid" if strides == (2, 2) else "same", use_bias=False)(x)
    x = layers.BatchNormalization(name=f"separable_conv_1_bn_{block_id}", **BATCH_NORM)(x)
    x = layers.Activation("relu")(x)
    x = layers.SeparableConv2D(filters, kernel_size, name=f"separable_conv_2_{block_id}", padding="same",
                               use_bias=False)(x)
    return layers.BatchNormalization(name=f"separable_conv_2_bn_{block_id}", **BATCH_NORM)(x)


def adjust_block(p: Any, ip: Any, filters: int, block_id: str) -> Any:
    """The previous cell's output ``p`` brought to the resolution and channels of ``ip``."""
    if p is None:
        return ip
    if p.shape[-2] != ip.shape[-2]:
        p = layers.Activation("relu", name=f"adjust_relu_1_{block_id}")(p)
        p1 = layers.AveragePooling2D((1, 1), strides=(2, 2), padding="valid", name=f"adjust_avg_pool_1_{block_id}")(p)
        p1 = layers.Conv2D(filters // 2, (1, 1), padding="same", use_bias=False, name=f"adjust_conv_1_{block_id}",
                           kernel_initializer="he_normal")(p1)
        p2 = layers.ZeroPadding2D(padding=((0, 1), (0, 1)))(p)
        p2 = layers.Cropping2D(cropping=((1, 0), (1, 0)))(p2)
        p2 = layers.AveragePooling2D((1, 1), strides=(2, 2), padding="valid", name=f"adjust_avg_pool_2_{block_id}")(p2)
        p2 = layers.Conv2D(filters // 2, (1, 1), padding="same", use_bias=False, name=f"adjust_conv_2_{block_id}",
                           kernel_initializer="he_normal")(p2)
        p = layers.concatenate([p1, p2], axis=-1)
        return layers.BatchNormalization(name=f"adjust_bn_{block_id}", **BATCH_NORM)(p)
    if p.shape[-1] != filters:
        p = layers.Activation("relu")(p)
        p = layers.Conv2D(filters, (1, 1), strides=(1, 1), padding="same", name=f"adjust_conv_projection_{block_id}",
                          use_bias=False, kernel_initializer="he_normal")(p)
        return layers.BatchNormalization(name=f"adjust_bn_{block_id}", **BATCH_NORM)(p)
    return p


def squeezed(ip: Any, filters: int, kind: str, block_id: str) -> Any:
    """ReLU, 1x1 convolution to ``filters`` and normalization: the cell's view of its input."""
    h = layers.Activation("relu")(ip)
    h = layers.Conv2D(filters, (1, 1), strides=(1, 1), padding="same", name=f"{kind}_conv_1_{block_id}", use_bias=False,
                      kernel_initializer="he_normal")(h)
    return layers.BatchNormalization(name=f"{kind}_bn_1_{block_id}", **BATCH_NORM)(h)


def average_3x3(x: Any, name: str, strides: int = 1) -> Any:
    return layers.AveragePooling2D((3, 3), strides=(strides, strides), padding="same" if strides == 1 else "valid",
                                   name=name)(x)


def normal_cell(ip: Any, p: Any, filters: int, block_id: str) -> tuple[Any, Any]:
    p = adjust_block(p, ip, filters, block_id)
    h = squeezed(ip, filters, "normal", block_id)
    x1 = layers.add([separable_block(h, filters, (5, 5), block_id=f"normal_left1_{block_id}"),
                     separable_block(p, filters, block_id=f"normal_right1_{block_id}")], name=f"normal_add_1_{block_id}")
    x2 = layers.add([separable_block(p, filters, (5, 5), block_id=f"normal_left2_{block_id}"),
                     separable_block(p, filters, (3, 3), block_id=f"normal_right2_{block_id}")],
                    name=f"normal_add_2_{block_id}")
    x3 = layers.add([average_3x3(h, f"normal_left3_{block_id}"), p], name=f"normal_add_3_{block_id}")
    x4 = layers.add([average_3x3(p, f"normal_left4_{block_id}"), average_3x3(p, f"normal_right4_{block_id}")],
                    name=f"normal_add_4_{block_id}")
    x5 = layers.add([separable_block(h, filters, block_id=f"normal_left5_{block_id}"), h],
                    name=f"normal_add_5_{block_id}")
    return layers.concatenate([p, x1, x2, x3, x4, x5], axis=-1, name=f"normal_concat_{block_id}"), ip


def reduction_cell(ip: Any, p: Any, filters: int, block_id: str) -> tuple[Any, Any]:
    p = adjust_block(p, ip, filters, block_id)
    h = squeezed(ip, filters, "reduction", block_id)
    h3 = layers.ZeroPadding2D(padding=correct_pad(h, 3), name=f"reduction_pad_1_{block_id}")(h)
    x1 = layers.add([separable_block(h, filters, (5, 5), (2, 2), f"reduction_left1_{block_id}"),
                     separable_block(p, filters, (7, 7), (2, 2), f"reduction_right1_{block_id}")],
                    name=f"reduction_add_1_{block_id}")
    x2 = layers.add([layers.MaxPooling2D((3, 3), strides=(2, 2), padding="valid",
                                         name=f"reduction_left2_{block_id}")(h3),
                     separable_block(p, filters, (7, 7), (2, 2), f"reduction_right2_{block_id}")],
                    name=f"reduction_add_2_{block_id}")
    x3 = layers.add([average_3x3(h3, f"reduction_left3_{block_id}", strides=2),
                     separable_block(p, filters, (5, 5), (2, 2), f"reduction_right3_{block_id}")],
                    name=f"reduction_add3_{block_id}")
    x4 = layers.add([x2, average_3x3(x1, f"reduction_left4_{block_id}")])
    x5 = layers.add([separable_block(x1, filters, (3, 3), block_id=f"reduction_left4_{block_id}"),
                     layers.MaxPooling2D((3, 3), strides=(2, 2), padding="valid",
                                         name=f"reduction_right5_{block_id}")(h3)], name=f"reduction_add4_{block_id}")
    return layers.concatenate([x2, x3, x4, x5], axis=-1, name=f"reduction_concat_{block_id}"), ip


def build_nasnet(arguments: _base.Arguments, name: str, *, variant: str) -> Any:
    settings = VARIANTS[variant]
    if arguments.input_shape is None and not arguments.include_top:
        arguments = dataclasses.replace(arguments, input_shape=(settings["default_size"],) * 2 + (3,))
    if arguments.weights == "imagenet" and arguments.input_shape is not None and None in tuple(arguments.input_shape):
        raise ValueError(f"{name}: with weights='imagenet' the input shape must be static; "
                         f"received input_shape={arguments.input_shape}.")
    shape = _base.input_shape(name, arguments, default_size=settings["default_size"], min_size=32)
    image = _base.image_input(name, arguments, shape)
    blocks, filters = settings["blocks"], settings["penultimate_filters"] // 24
    x = layers.Conv2D(settings["stem_filters"], (3, 3), strides=(2, 2), padding="valid", use_bias=False,
                      name="stem_conv1", kernel_initializer="he_normal")(image)
    x = layers.BatchNormalization(name="stem_bn1", **BATCH_NORM)(x)
    x, p = reduction_cell(x, None, filters // MULTIPLIER ** 2, "stem_1")
    x, p = reduction_cell(x, p, filters // MULTIPLIER, "stem_2")
    for stage in range(3):
        stage_filters = filters * MULTIPLIER ** stage
        if stage:
            x, reduced = reduction_cell(x, p, stage_filters, f"reduce_{stage * blocks}")
            p = p if settings["skip_reduction"] else reduced
        for index in range(blocks):
            x, p = normal_cell(x, p, stage_filters, str(stage * blocks + index + (1 if stage else 0)))
    x = layers.Activation("relu")(x)
    if arguments.include_top:
        x = layers.GlobalAveragePooling2D()(x)
        x = layers.Dense(arguments.classes, activation=arguments.classifier_activation, name="predictions")(x)
    else:
        x = _base.pooled(x, arguments.pooling, (None, None))
    top, notop = (_base.WeightFile("nasnet", published, file_hash, cached_name=cached)
                  for cached, published, file_hash in settings["files"])
    files = (top, notop)
    return _base.model(name, image, x, arguments, files)


def _nasnet(variant: str) -> Any:
    public_name = f"NASNet{variant.title()}"
    size = VARIANTS[variant]["default_size"]
    return _base.constructor(public_name, functools.partial(build_nasnet, variant=variant), f"""{public_name}:
    the searched normal and reduction cells, default input {size}x{size}; Keras's arguments.

    Example:
        >>> model = oi.applications.{public_name}(weights=None, input_shape=(32, 32, 3), classes=10)
    """, _base.shape_first({}, name=f"nasnet_{variant}"))


NASNetMobile = _nasnet("mobile")
NASNetLarge = _nasnet("large")
