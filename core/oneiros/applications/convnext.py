"""ConvNeXtTiny, Small, Base, Large and XLarge (Liu et al., "A ConvNet for the 2020s", 2022).

The models normalize their input themselves (``include_preprocessing=True``), so
``preprocess_input`` returns its input unchanged, as in Keras.

Example:
    >>> model = oi.applications.ConvNeXtTiny(weights=None, input_shape=(32, 32, 3), classes=10)
"""

from __future__ import annotations

import functools
from typing import Any

from oneiros import layers
from oneiros.applications import _base
from oneiros.applications.imagenet_utils import TORCH_MEAN, TORCH_STD, decode_predictions
from oneiros.applications.mobilenet_v3 import preprocess_input

__all__ = [*(f"ConvNeXt{size}" for size in ("Tiny", "Small", "Base", "Large", "XLarge")), "LayerScale",
           "decode_predictions", "preprocess_input"]

WEIGHT_HASHES = {
    "tiny": ("8ae6e78ce2933352b1ef4008e6dd2f17bc40771563877d156bc6426c7cf503ff",
             "d547c096cabd03329d7be5562c5e14798aa39ed24b474157cef5e85ab9e49ef1"),
    "small": ("ce1277d8f1ee5a0ef0e171469089c18f5233860ceaf9b168049cb9263fd7483c",
              "6fc8009faa2f00c1c1dfce59feea9b0745eb260a7dd11bee65c8e20843da6eab"),
    "base": ("52cbb006d3dadd03f6e095a8ca1aca47aecdd75acb4bc74bce1f5c695d0086e6",
             "40a20c5548a5e9202f69735ecc06c990e6b7c9d2de39f0361e27baeb24cb7c45"),
    "large": ("070c5ed9ed289581e477741d3b34beffa920db8cf590899d6d2c67fba2a198a6",
              "96f02b6f0753d4f543261bc9d09bed650f24dd6bc02ddde3066135b63d23a1cd"),
    "xlarge": ("c1f5ccab661354fc3a79a10fa99af82f0fbf10ec65cb894a3ae0815f17a889ee",
               "de3f8a54174130e0cecdc71583354753d557fcf1f4487331558e2a16ba0cfe05"),
}
"""Keras's sha256 of each published file: (with top, without top)."""

CONFIGS = {
    "tiny": ((3, 3, 9, 3), (96, 192, 384, 768)),
    "small": ((3, 3, 27, 3), (96, 192, 384, 768)),
    "base": ((3, 3, 27, 3), (128, 256, 512, 1024)),
    "large": ((3, 3, 27, 3), (192, 384, 768, 1536)),
    "xlarge": ((3, 3, 27, 3), (256, 512, 1024, 2048)),
}
"""(blocks per stage, channels per stage) of each size."""

LAYER_SCALE_INIT = 1e-6
EPSILON = 1e-6


class LayerScale(layers.Layer):
    """Multiplies each channel by a learned ``gamma`` that starts at ``init_values`` (Touvron et al., 2021).

    Example:
        >>> y = LayerScale(1e-6, 96)(x)   # x: (..., 96)
    """

    def __init__(self, init_values: float, projection_dim: int, **kwargs: Any):
        super().__init__(**kwargs)
        if not isinstance(projection_dim, int) or projection_dim < 1:
            raise ValueError(f"LayerScale: `projection_dim` must be a positive integer; received {projection_dim!r}.")
        self.init_values = float(init_values)
        self.projection_dim = projection_dim

    def build(self, input_shape: Any) -> None:
        from oneiros import initializers

        self.gamma = self.add_weight(shape=(self.projection_dim,), initializer=initializers.Constant(self.init_values),
                                     trainable=True, name="gamma")
        super().build(input_shape)

    def call(self, x: Any) -> Any:
        return x * self.gamma

    def compute_output_shape(self, input_shape: Any) -> Any:
        return input_shape

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "init_values": self.init_values, "projection_dim": self.projection_dim}


def convnext_block(x: Any, projection_dim: int, name: str) -> Any:
    """7x7 depthwise convolution, layer normalization, an inverted MLP (4x), layer scale, residual."""
    inputs = x
    x = layers.Conv2D(filters=projection_dim, kernel_size=7, padding="same", groups=projection_dim,
                      name=f"{name}_depthwise_conv")(x)
    x = layers.LayerNormalization(epsilon=EPSILON, name=f"{name}_layernorm")(x)
    x = layers.Dense(4 * projection_dim, name=f"{name}_pointwise_conv_1")(x)
    x = layers.Activation("gelu", name=f"{name}_gelu")(x)
    x = layers.Dense(projection_dim, name=f"{name}_pointwise_conv_2")(x)
    x = LayerScale(LAYER_SCALE_INIT, projection_dim, name=f"{name}_layer_scale")(x)
    return inputs + layers.Activation("linear", name=f"{name}_identity")(x)


def build_convnext(arguments: _base.Arguments, include_preprocessing: bool, name: str, *, size: str) -> Any:
    from oneiros.models import Sequential

    depths, dims = CONFIGS[size]
    shape = _base.input_shape(name, arguments, default_size=224, min_size=32)
    image = _base.image_input(name, arguments, shape)
    x = image
    if include_preprocessing and shape[-1] == 3:
        x = layers.Normalization(mean=[mean * 255 for mean in TORCH_MEAN],
                                 variance=[(std * 255) ** 2 for std in TORCH_STD],
                                 name=f"{name}_prestem_normalization")(x)
    stages = [Sequential([layers.Conv2D(dims[0], kernel_size=4, strides=4, name=f"{name}_stem_conv"),
                          layers.LayerNormalization(epsilon=EPSILON, name=f"{name}_stem_layernorm")],
                         name=f"{name}_stem")]
    stages += [Sequential([layers.LayerNormalization(epsilon=EPSILON, name=f"{name}_downsampling_layernorm_{index}"),
                           layers.Conv2D(dims[index + 1], kernel_size=2, strides=2,
                                         name=f"{name}_downsampling_conv_{index}")],
                          name=f"{name}_downsampling_block_{index}") for index in range(3)]
    for stage, (downsample, depth, dim) in enumerate(zip(stages, depths, dims)):
        x = downsample(x)
        for block in range(depth):
            x = convnext_block(x, dim, f"{name}_stage_{stage}_block_{block}")
    if arguments.include_top:
        x = layers.GlobalAveragePooling2D(name=f"{name}_head_gap")(x)
        x = layers.LayerNormalization(epsilon=EPSILON, name=f"{name}_head_layernorm")(x)
        x = layers.Dense(arguments.classes, activation=arguments.classifier_activation, name=f"{name}_head_dense")(x)
    else:
        x = _base.pooled(x, arguments.pooling, (None, None))
        x = layers.LayerNormalization(epsilon=EPSILON)(x)
    if arguments.weights == "imagenet" and f"convnext_{size}" not in name:
        raise ValueError(f"{name}: with weights='imagenet' the model name must contain 'convnext_{size}' (the weights' "
                         f"layer names start with it); received name={name!r}.")
    top, notop = WEIGHT_HASHES[size]
    files = (_base.WeightFile("convnext", f"{name}.h5", top), _base.WeightFile("convnext", f"{name}_notop.h5", notop))
    return _base.model(name, image, x, arguments, files)


def _convnext(size: str) -> Any:
    public_name = f"ConvNeXt{'XLarge' if size == 'xlarge' else size.title()}"
    depths, dims = CONFIGS[size]
    defaults = {"include_top": True, "include_preprocessing": True,
                **{key: value for key, value in _base.STANDARD.items() if key != "include_top"},
                "name": f"convnext_{size}"}
    return _base.constructor(public_name, functools.partial(build_convnext, size=size), f"""{public_name}: four
    stages of {depths} ConvNeXt blocks of {dims} channels; Keras's arguments, plus ``include_preprocessing``.

    Example:
        >>> model = oi.applications.{public_name}(weights=None, input_shape=(32, 32, 3), classes=10)
    """, defaults)


ConvNeXtTiny = _convnext("tiny")
ConvNeXtSmall = _convnext("small")
ConvNeXtBase = _convnext("base")
ConvNeXtLarge = _convnext("large")
ConvNeXtXLarge = _convnext("xlarge")
