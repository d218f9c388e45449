"""The application cases the Keras parity test compares, shared by the test and its Keras oracle."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Case:
    name: str
    size: int = 32
    forward: bool = True
    options: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        extra = ",".join(f"{key}={value}" for key, value in self.options.items())
        return f"{self.name}[{extra}]" if extra else self.name


CASES = [
    Case("ResNet50"), Case("ResNet101", forward=False), Case("ResNet152", forward=False),
    Case("ResNet50V2"), Case("ResNet101V2", forward=False), Case("ResNet152V2", forward=False),
    Case("ResNet50", options={"include_top": False, "pooling": "max"}),
    Case("VGG16"), Case("VGG19", forward=False), Case("VGG16", options={"include_top": False, "pooling": "avg"}),
    Case("DenseNet121"), Case("DenseNet169", forward=False), Case("DenseNet201", forward=False),
    Case("Xception", size=71),
    Case("InceptionV3", size=75), Case("InceptionResNetV2", size=75),
    Case("MobileNet", options={"alpha": 0.5}), Case("MobileNet", forward=False),
    Case("MobileNetV2", options={"alpha": 0.35}), Case("MobileNetV2", forward=False, options={"alpha": 1.3}),
    Case("MobileNetV3Small"), Case("MobileNetV3Large"),
    Case("MobileNetV3Small", options={"minimalistic": True, "include_top": False, "pooling": "avg"}),
    Case("EfficientNetB0"), *(Case(f"EfficientNetB{index}", forward=False) for index in range(1, 8)),
    Case("EfficientNetV2B0"), Case("EfficientNetV2B1", forward=False), Case("EfficientNetV2B2", forward=False),
    Case("EfficientNetV2B3", forward=False), Case("EfficientNetV2S"),
    Case("EfficientNetV2M", forward=False), Case("EfficientNetV2L", forward=False),
    Case("ConvNeXtTiny"), *(Case(f"ConvNeXt{size}", forward=False) for size in ("Small", "Base", "Large", "XLarge")),
    Case("NASNetMobile"), Case("NASNetLarge", forward=False),
]

BATCH = np.random.default_rng(0).uniform(0, 255, (2, 96, 96, 3)).astype("float32")


def keras_weights(model: Any) -> list[np.ndarray]:
    """Keras's initial weights, with the statistics, offsets and biases drawn so they take part."""
    rng = np.random.default_rng(1)
    values = []
    for variable, value in zip(model.weights, model.get_weights()):
        leaf = variable.path.rsplit("/", 1)[-1]
        if leaf in ("moving_variance", "variance"):
            value = rng.uniform(0.5, 1.5, value.shape)
        elif leaf in ("moving_mean", "mean", "beta", "bias"):
            value = rng.normal(0.0, 0.1, value.shape)
        elif leaf == "gamma":
            value = rng.uniform(0.8, 1.2, value.shape)
        values.append(np.asarray(value, dtype=np.float32))
    return values


def built(library: Any, case: Case) -> Any:
    """The application of ``case`` from ``library`` (``keras`` or ``oneiros``)."""
    options = {"weights": None, "input_shape": (case.size, case.size, 3), "classes": 7,
               "classifier_activation": None, **case.options}
    return getattr(library.applications, case.name)(**options)
