"""Keras's pretrained image models (``keras.applications``): functional models of registered layers.

Example:
    >>> model = oi.applications.ResNet50(weights=None, input_shape=(64, 64, 3), classes=10)
    >>> features = oi.applications.MobileNetV2(include_top=False, weights="imagenet", pooling="avg")
    >>> x = oi.applications.resnet50.preprocess_input(images)

Each architecture is a module under this package, as in Keras (``applications.resnet``,
``applications.mobilenet_v2``...), with ``preprocess_input`` and ``decode_predictions``. The
builders compose layers through the layer registry at call time (``Conv2D`` comes from the vision
plugin), so importing this package imports no plugin and no engine.
"""

from __future__ import annotations

import importlib
from typing import Any

SUBMODULES = ("convnext", "densenet", "efficientnet", "efficientnet_v2", "imagenet_utils", "inception_resnet_v2",
              "inception_v3", "mobilenet", "mobilenet_v2", "mobilenet_v3", "nasnet", "resnet", "resnet50",
              "resnet_v2", "vgg16", "vgg19", "xception")

APPLICATIONS = {
    **{f"ConvNeXt{size}": "convnext" for size in ("Tiny", "Small", "Base", "Large", "XLarge")},
    **{f"DenseNet{depth}": "densenet" for depth in (121, 169, 201)},
    **{f"EfficientNetB{index}": "efficientnet" for index in range(8)},
    **{f"EfficientNetV2{size}": "efficientnet_v2" for size in ("B0", "B1", "B2", "B3", "S", "M", "L")},
    "InceptionResNetV2": "inception_resnet_v2",
    "InceptionV3": "inception_v3",
    "MobileNet": "mobilenet",
    "MobileNetV2": "mobilenet_v2",
    "MobileNetV3Small": "mobilenet_v3",
    "MobileNetV3Large": "mobilenet_v3",
    "NASNetMobile": "nasnet",
    "NASNetLarge": "nasnet",
    **{f"ResNet{depth}": "resnet" for depth in (50, 101, 152)},
    **{f"ResNet{depth}V2": "resnet_v2" for depth in (50, 101, 152)},
    "VGG16": "vgg16",
    "VGG19": "vgg19",
    "Xception": "xception",
}
"""Each model constructor -> the submodule defining it."""

__all__ = [*SUBMODULES, *APPLICATIONS]


def __getattr__(name: str) -> Any:
    if name in SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    if name in APPLICATIONS:
        return getattr(importlib.import_module(f"{__name__}.{APPLICATIONS[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
