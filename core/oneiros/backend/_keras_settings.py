"""Keras's ``keras.backend`` readers of the numeric settings: ``epsilon()``, ``floatx()`` and
``image_data_format()``, with the values Oneiros computes with.

Keras programs read them to write their own numerics in the library's terms (keras-io's Siamese
network floors a squared distance at ``keras.backend.epsilon()`` before its square root). Oneiros
fixes these settings at Keras's defaults — every loss, metric and constraint clips at 1e-7,
variables and layers default to float32, image layers to channels-last — so there are no setters.
"""

from __future__ import annotations

from oneiros.dtypes import DEFAULT_FLOAT

EPSILON = 1e-7
"""The fuzz factor: what probabilities are clipped to and denominators floored at."""

IMAGE_DATA_FORMAT = "channels_last"
"""What ``data_format=None`` means for image layers and ops."""


def epsilon() -> float:
    """The fuzz factor used in numeric expressions, ``1e-7`` (Keras's default)."""
    return EPSILON


def floatx() -> str:
    """The default float dtype of variables and layers, ``"float32"`` (Keras's default)."""
    return DEFAULT_FLOAT


def image_data_format() -> str:
    """The default layout of image data, ``"channels_last"`` (Keras's default)."""
    return IMAGE_DATA_FORMAT
