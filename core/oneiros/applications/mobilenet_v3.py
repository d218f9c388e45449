"""MobileNetV3Small and MobileNetV3Large (Howard et al., "Searching for MobileNetV3", 2019).

The models rescale their input themselves (``include_preprocessing=True``), so
``preprocess_input`` returns its input unchanged, as in Keras.

Example:
    >>> model = oi.applications.MobileNetV3Small(weights=None, input_shape=(32, 32, 3), classes=10)
"""

from __future__ import annotations

import functools
import warnings
from typing import Any

from oneiros import layers
from oneiros.applications import _base
from oneiros.applications._inverted_residual import inverted_residual, make_divisible
from oneiros.applications.imagenet_utils import decode_predictions

__all__ = ["MobileNetV3Large", "MobileNetV3Small", "decode_predictions", "preprocess_input"]

BATCH_NORM: dict[str, Any] = {"epsilon": 1e-3, "momentum": 0.999}

WEIGHT_HASHES = {
    "large_224_0.75_float": ("765b44a33ad4005b3ac83185abf1d0eb", "40af19a13ebea4e2ee0c676887f69a2e"),
    "large_224_1.0_float": ("59e551e166be033d707958cf9e29a6a7", "07fb09a5933dd0c8eaafa16978110389"),
    "large_minimalistic_224_1.0_float": ("675e7b876c45c57e9e63e6d90a36599c", "ec5221f64a2f6d1ef965a614bdae7973"),
    "small_224_0.75_float": ("cb65d4e5be93758266aa0a7f2c6708b7", "ebdb5cc8e0b497cd13a7c275d475c819"),
    "small_224_1.0_float": ("8768d4c2e7dee89b9d02b2d03d65d862", "d3e8ec802a04aa4fc771ee12a9a9b836"),
    "small_minimalistic_224_1.0_float": ("99cd97fb2fcdad2bf028eb838de69e37", "cde8136e733e811080d9fcd8a252f7e4"),
}
"""Keras's md5 of each published file: (with top, without top)."""

SE = "se"
"""Marks a block with squeeze-and-excite (unless ``minimalistic``)."""

SMALL_BLOCKS = ((1, 16, 3, 2, SE, "relu"), (72 / 16, 24, 3, 2, None, "relu"), (88 / 24, 24, 3, 1, None, "relu"),
                (4, 40, 0, 2, SE, "swish"), (6, 40, 0, 1, SE, "swish"), (6, 40, 0, 1, SE, "swish"),
                (3, 48, 0, 1, SE, "swish"), (3, 48, 0, 1, SE, "swish"), (6, 96, 0, 2, SE, "swish"),
                (6, 96, 0, 1, SE, "swish"), (6, 96, 0, 1, SE, "swish"))
LARGE_BLOCKS = ((1, 16, 3, 1, None, "relu"), (4, 24, 3, 2, None, "relu"), (3, 24, 3, 1, None, "relu"),
                (3, 40, 0, 2, SE, "relu"), (3, 40, 0, 1, SE, "relu"), (3, 40, 0, 1, SE, "relu"),
                (6, 80, 3, 2, None, "swish"), (2.5, 80, 3, 1, None, "swish"), (2.3, 80, 3, 1, None, "swish"),
                (2.3, 80, 3, 1, None, "swish"), (6, 112, 3, 1, SE, "swish"), (6, 112, 3, 1, SE, "swish"),
                (6, 160, 0, 2, SE, "swish"), (6, 160, 0, 1, SE, "swish"), (6, 160, 0, 1, SE, "swish"))
"""(expansion, filters, kernel size or 0 for the model's, stride, squeeze-and-excite, "relu" or the model's
"swish") of each block."""


def preprocess_input(x: Any, data_format: str | None = None) -> Any:
    """Returns ``x`` unchanged: the model rescales its input itself."""
    return x


def relu(x: Any, name: str | None = None) -> Any:
    return layers.ReLU()(x)


def hard_sigmoid(x: Any) -> Any:
    return layers.ReLU(6.0)(x + 3.0) * (1.0 / 6.0)


def hard_swish(x: Any, name: str | None = None) -> Any:
    return layers.Activation("hard_swish")(x)


def squeeze_excite(filters: int, prefix: str) -> Any:
    def apply(inputs: Any) -> Any:
        x = layers.GlobalAveragePooling2D(keepdims=True, name=f"{prefix}squeeze_excite_avg_pool")(inputs)
        x = layers.Conv2D(make_divisible(filters * 0.25), kernel_size=1, padding="same",
                          name=f"{prefix}squeeze_excite_conv")(x)
        x = layers.ReLU(name=f"{prefix}squeeze_excite_relu")(x)
        x = layers.Conv2D(filters, kernel_size=1, padding="same", name=f"{prefix}squeeze_excite_conv_1")(x)
        return layers.Multiply(name=f"{prefix}squeeze_excite_mul")([inputs, hard_sigmoid(x)])

    return apply


def block_names(prefix: str) -> dict[str, str]:
    roles = ("expand", "expand_bn", "depthwise", "depthwise_bn", "project", "project_bn", "add")
    return {**{role: prefix + role for role in roles}, "pad": f"{prefix}depthwise_pad"}


def build_mobilenet_v3(arguments: _base.Arguments, alpha: float, minimalistic: bool, dropout_rate: float,
                       include_preprocessing: bool, name: str, *, model_type: str, blocks: tuple,
                       last_point_filters: int) -> Any:
    shape = _input_shape(name, arguments)
    if arguments.weights == "imagenet":
        if (alpha not in (0.75, 1.0)) if not minimalistic else alpha != 1.0:
            raise ValueError(f"{name}: ImageNet weights exist for alpha 0.75 or 1.0 (1.0 when minimalistic); "
                             f"received alpha={alpha!r}, minimalistic={minimalistic!r}.")
        if shape[0] != shape[1] or shape[0] != 224:
            warnings.warn(f"{name}: input_shape {shape} is not 224x224; the weights for 224x224 inputs are loaded.",
                          stacklevel=3)
    kernel, activation, se_enabled = (3, relu, False) if minimalistic else (5, hard_swish, True)
    image = _base.image_input(name, arguments, shape)
    x = image
    if include_preprocessing:
        x = layers.Rescaling(scale=1.0 / 127.5, offset=-1.0)(x)
    x = layers.Conv2D(16, kernel_size=3, strides=(2, 2), padding="same", use_bias=False, name="conv")(x)
    x = layers.BatchNormalization(name="conv_bn", **BATCH_NORM)(x)
    x = activation(x)
    for block_id, (expansion, filters, kernel_size, stride, se, kind) in enumerate(blocks):
        prefix = f"expanded_conv_{block_id}_" if block_id else "expanded_conv_"
        expanded = make_divisible(x.shape[-1] * expansion)
        x = inverted_residual(
            x, filters=make_divisible(filters * alpha), kernel_size=kernel_size or kernel, stride=stride,
            expanded_filters=expanded if block_id else None, activation=relu if kind == "relu" else activation,
            names=block_names(prefix), batch_norm=BATCH_NORM,
            squeeze_excite=squeeze_excite(expanded, prefix) if se and se_enabled else None)
    last_conv_filters = make_divisible(x.shape[-1] * 6)
    if alpha > 1.0:
        last_point_filters = make_divisible(last_point_filters * alpha)
    x = layers.Conv2D(last_conv_filters, kernel_size=1, padding="same", use_bias=False, name="conv_1")(x)
    x = layers.BatchNormalization(name="conv_1_bn", **BATCH_NORM)(x)
    x = activation(x)
    if arguments.include_top:
        x = layers.GlobalAveragePooling2D(keepdims=True)(x)
        x = layers.Conv2D(last_point_filters, kernel_size=1, padding="same", use_bias=True, name="conv_2")(x)
        x = activation(x)
        if dropout_rate > 0:
            x = layers.Dropout(dropout_rate)(x)
        x = layers.Conv2D(arguments.classes, kernel_size=1, padding="same", name="logits")(x)
        x = layers.Flatten()(x)
        x = layers.Activation(activation=arguments.classifier_activation, name="predictions")(x)
    else:
        x = _base.pooled(x, arguments.pooling)
    key = f"{model_type}{'_minimalistic' if minimalistic else ''}_224_{alpha}_float"
    top, notop = WEIGHT_HASHES.get(key, (None, None))
    files = (_base.WeightFile("mobilenet_v3", f"weights_mobilenet_v3_{key}.h5", top),
             _base.WeightFile("mobilenet_v3", f"weights_mobilenet_v3_{key}_no_top_v2.h5", notop))
    return _base.model(name, image, x, arguments, files)


def _input_shape(name: str, arguments: _base.Arguments) -> tuple:
    """The given shape, that of ``input_tensor``, or (None, None, 3): the classifier needs no static size."""
    return _base.input_shape(name, _base.with_tensor_shape(arguments), default_size=224, min_size=32,
                             require_flatten=False)


def _mobilenet_v3(model_type: str, blocks: tuple, last_point_filters: int) -> Any:
    public_name = f"MobileNetV3{model_type.title()}"
    defaults = {"input_shape": None, "alpha": 1.0, "minimalistic": False, "include_top": True, "weights": "imagenet",
                "input_tensor": None, "classes": 1000, "pooling": None, "dropout_rate": 0.2,
                "classifier_activation": "softmax", "include_preprocessing": True, "name": public_name}
    return _base.constructor(public_name, functools.partial(build_mobilenet_v3, model_type=model_type, blocks=blocks,
                                                            last_point_filters=last_point_filters),
                             f"""{public_name}: inverted residual blocks with squeeze-and-excite and hard-swish
    (``minimalistic``: 3x3 kernels, ReLU, no squeeze-and-excite); Keras's arguments.

    Example:
        >>> model = oi.applications.{public_name}(weights=None, input_shape=(32, 32, 3), classes=10)
    """, defaults)


MobileNetV3Small = _mobilenet_v3("small", SMALL_BLOCKS, 1024)
MobileNetV3Large = _mobilenet_v3("large", LARGE_BLOCKS, 1280)
