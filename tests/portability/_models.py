"""The model both environments build for the portability tests: convolution, pooling, batch
normalization, dropout and dense layers, with linear outputs (relative tolerances stay meaningful)."""

from __future__ import annotations

from typing import Any

import oneiros as oi
from oneiros import layers


def build_model() -> Any:
    return oi.Sequential([
        layers.Input((10, 10, 3)),
        layers.get("Conv2D")(6, 3, activation="relu"),
        layers.get("MaxPooling2D")(2),
        layers.BatchNormalization(),
        layers.get("Conv2D")(4, 2, padding="same", activation="tanh"),
        layers.Flatten(),
        layers.Dropout(0.3),
        layers.Dense(5),
    ])
