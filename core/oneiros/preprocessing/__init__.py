"""``oi.preprocessing``: Keras's ``keras.preprocessing`` — the data-set builders under their
older names (the functions of :mod:`oneiros.utils`), and the ``image`` and ``sequence`` modules.

Every name is imported on first use, as in :mod:`oneiros.utils`.

Example::

    from oneiros import preprocessing

    windows = preprocessing.timeseries_dataset_from_array(series, targets, sequence_length=24)
    padded = preprocessing.sequence.pad_sequences([[1, 2, 3], [4]], maxlen=2)
"""

from __future__ import annotations

import importlib
from typing import Any

UTILS_NAMES = ("image_dataset_from_directory", "text_dataset_from_directory", "timeseries_dataset_from_array")
"""Names Keras exports from both ``keras.preprocessing`` and ``keras.utils``; ``oneiros.utils`` has them."""

SUBMODULES = ("image", "sequence")

__all__ = sorted([*UTILS_NAMES, *SUBMODULES])


def __getattr__(name: str) -> Any:
    if name in UTILS_NAMES:
        return getattr(importlib.import_module("oneiros.utils"), name)
    if name in SUBMODULES:
        return importlib.import_module(f"oneiros.preprocessing.{name}")
    raise AttributeError(f"module 'oneiros.preprocessing' has no attribute {name!r}")


def __dir__() -> list[str]:
    return __all__
