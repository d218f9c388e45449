"""Keras's ``keras.backend`` readers of the numeric settings: ``epsilon()``, ``floatx()`` and
``image_data_format()``, with the values Oneiros computes with, and their setters.

Keras programs read them to write their own numerics in the library's terms (keras-io's Siamese
network floors a squared distance at ``keras.backend.epsilon()`` before its square root). Oneiros
fixes these settings at Keras's defaults — every loss, metric and constraint clips at 1e-7,
variables and layers default to float32, image layers to channels-last — so the setters accept
those values (a program that sets Keras's defaults runs) and refuse any other with an error that
says what Oneiros supports instead.
"""

from __future__ import annotations

from oneiros.dtypes import DEFAULT_FLOAT

EPSILON = 1e-7
"""The fuzz factor: what probabilities are clipped to and denominators floored at; the losses,
metrics, constraints, nn ops, the normalization layers, Dot, STFTSpectrogram and quantizers all
read this one."""

IMAGE_DATA_FORMAT = "channels_last"
"""What ``data_format=None`` means for image layers and ops."""

KERAS_FLOATX = ("bfloat16", "float16", "float32", "float64")
"""What Keras's ``set_floatx`` accepts; Oneiros computes with ``floatx()`` only."""

KERAS_DATA_FORMATS = ("channels_first", "channels_last")


def epsilon() -> float:
    """The fuzz factor used in numeric expressions, ``1e-7`` (Keras's default)."""
    return EPSILON


def floatx() -> str:
    """The default float dtype of variables and layers, ``"float32"`` (Keras's default)."""
    return DEFAULT_FLOAT


def image_data_format() -> str:
    """The default layout of image data, ``"channels_last"`` (Keras's default)."""
    return IMAGE_DATA_FORMAT


def set_floatx(value: str) -> None:
    """Accepts ``"float32"``, the dtype Oneiros's variables and layers default to; refuses the rest.

    Oneiros fixes floatx: for 16-bit computation use ``oneiros.config.set_dtype_policy("mixed_float16")``
    (or ``"mixed_bfloat16"``); variables stay float32 (even a layer given ``dtype="float64"``).
    """
    if value not in KERAS_FLOATX:
        raise ValueError(f"Unknown `floatx` value: {value!r}. Expected one of {list(KERAS_FLOATX)}.")
    if value != floatx():
        raise ValueError(
            f"Oneiros computes with floatx {floatx()!r} only; received {value!r}. For 16-bit "
            "computation use oneiros.config.set_dtype_policy('mixed_float16') or 'mixed_bfloat16'."
        )


def set_epsilon(value: float) -> None:
    """Accepts ``1e-7``, the fuzz factor Oneiros's losses, metrics and constraints use; refuses the rest."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"epsilon must be a float; received {value!r}.")
    if value != epsilon():
        raise ValueError(f"Oneiros computes with epsilon {epsilon()!r} only; received {value!r}.")


def set_image_data_format(data_format: str) -> None:
    """Accepts ``"channels_last"`` (any case), Oneiros's image layers' default; refuses the rest.

    Image layers take ``data_format="channels_first"`` one by one instead.
    """
    received = str(data_format).lower()
    if received not in KERAS_DATA_FORMATS:
        raise ValueError(f"The `data_format` argument must be one of {list(KERAS_DATA_FORMATS)}. "
                         f"Received: data_format={data_format!r}")
    if received != image_data_format():
        raise ValueError(
            f"Oneiros's image layers default to data_format={image_data_format()!r} only; received "
            f"{data_format!r}. Pass data_format={received!r} to each image layer instead."
        )
