"""The classic Keras MNIST convnet."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import oneiros as oi
from oneiros import layers

from oneiros_vision.layers import Conv2D, MaxPooling2D


def mnist_convnet(input_shape: Sequence[int] = (28, 28, 1), num_classes: int = 10, dropout: float = 0.5,
                  preprocessing: Sequence[Any] = (), name: str = "mnist_convnet") -> Any:
    """Conv2D(32, 3, relu) -> MaxPooling2D(2) -> Conv2D(64, 3, relu) -> MaxPooling2D(2) ->
    Flatten -> Dropout(0.5) -> Dense(num_classes, softmax), uncompiled (34,826 trainable weights
    for MNIST). ``preprocessing`` layers run first, e.g. ``[Rescaling(1 / 16), Resizing(28, 28)]``
    for 8x8 digits (the convnet needs at least 10x10 inputs).

    Example::

        model = mnist_convnet()
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    """
    return oi.Sequential([
        layers.Input(tuple(input_shape)),
        *preprocessing,
        Conv2D(32, 3, activation="relu"),
        MaxPooling2D(2),
        Conv2D(64, 3, activation="relu"),
        MaxPooling2D(2),
        layers.Flatten(),
        layers.Dropout(dropout),
        layers.Dense(num_classes, activation="softmax"),
    ], name=name)
