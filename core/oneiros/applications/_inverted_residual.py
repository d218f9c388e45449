"""The inverted residual block shared by MobileNetV2, MobileNetV3 and the EfficientNets (MBConv).

expand (1x1) -> depthwise (k x k, stride) -> squeeze-and-excite (optional) -> project (1x1),
each convolution followed by batch normalization, with a residual connection when the block keeps
its shape. The families differ only in layer names, activations, normalization settings and the
squeeze-and-excite branch, which they pass in.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from oneiros import layers

Activation = Callable[[Any, str | None], Any]
"""``activation(x, name)``: the family's nonlinearity, naming its layer after ``name`` where it has one."""


def make_divisible(value: float, divisor: int = 8, min_value: int | None = None) -> int:
    """``value`` rounded to a multiple of ``divisor``, never more than 10% below it (MobileNet's rule)."""
    min_value = divisor if min_value is None else min_value
    rounded = max(min_value, int(value + divisor / 2) // divisor * divisor)
    return rounded + divisor if rounded < 0.9 * value else rounded


def correct_pad(x: Any, kernel_size: int) -> tuple[tuple[int, int], tuple[int, int]]:
    """The zero padding before a stride-2 "valid" convolution that matches TensorFlow's "same"."""
    rows, cols = x.shape[1:3]
    adjust = (1, 1) if rows is None else (1 - rows % 2, 1 - cols % 2)
    half = kernel_size // 2
    return (half - adjust[0], half), (half - adjust[1], half)


def inverted_residual(x: Any, *, filters: int, kernel_size: int, stride: int, expanded_filters: int | None,
                      activation: Activation, names: Mapping[str, str], batch_norm: Mapping[str, Any],
                      squeeze_excite: Callable[[Any], Any] | None = None, conv_options: Mapping[str, Any] = {},
                      residual: bool = True, drop_rate: float = 0.0, pad_strided: bool = True) -> Any:
    """One block; ``names`` maps each role (expand, expand_bn, expand_activation, pad, depthwise,
    depthwise_bn, depthwise_activation, project, project_bn, drop, add) to its layer name.

    ``expanded_filters=None`` skips the expansion; the shortcut is added when ``residual`` and the
    block keeps its shape, after a per-sample dropout of ``drop_rate`` (stochastic depth). A strided
    depthwise convolution is zero-padded explicitly unless ``pad_strided`` is False ("same" padding).
    """
    shortcut = x
    in_filters = x.shape[-1]
    if expanded_filters is not None:
        x = layers.Conv2D(expanded_filters, 1, padding="same", use_bias=False, name=names["expand"],
                          **conv_options)(x)
        x = layers.BatchNormalization(name=names["expand_bn"], **batch_norm)(x)
        x = activation(x, names.get("expand_activation"))
    explicit_pad = stride == 2 and pad_strided
    if explicit_pad:
        x = layers.ZeroPadding2D(padding=correct_pad(x, kernel_size), name=names["pad"])(x)
    x = layers.DepthwiseConv2D(kernel_size, strides=stride, padding="valid" if explicit_pad else "same", use_bias=False,
                               name=names["depthwise"], **_depthwise_options(conv_options))(x)
    x = layers.BatchNormalization(name=names["depthwise_bn"], **batch_norm)(x)
    x = activation(x, names.get("depthwise_activation"))
    if squeeze_excite is not None:
        x = squeeze_excite(x)
    x = layers.Conv2D(filters, 1, padding="same", use_bias=False, name=names["project"], **conv_options)(x)
    x = layers.BatchNormalization(name=names["project_bn"], **batch_norm)(x)
    if residual and stride == 1 and in_filters == filters:
        if drop_rate > 0:
            x = layers.Dropout(drop_rate, noise_shape=(None, 1, 1, 1), name=names.get("drop"))(x)
        x = layers.Add(name=names["add"])([shortcut, x])
    return x


def _depthwise_options(conv_options: Mapping[str, Any]) -> dict[str, Any]:
    """The EfficientNets give their convolution initializer to the depthwise kernel too."""
    return {"depthwise_initializer": conv_options["kernel_initializer"]} if "kernel_initializer" in conv_options else {}
