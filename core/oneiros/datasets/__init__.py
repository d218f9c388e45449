"""``oi.datasets``: Keras 3's small benchmark data sets, with Keras's arguments and return values.

Each is a module with ``load_data(...)`` returning ``(x_train, y_train), (x_test, y_test)`` as
numpy arrays. Files are downloaded once from Keras's public URLs (or the mirror named by
``$ONEIROS_DATASETS_URL``) into ``$ONEIROS_HOME/datasets``, checked against their published
checksums, and written atomically (see :func:`oneiros.utils.get_file`).
"""

from __future__ import annotations

import importlib
from typing import Any

DATASETS = ("boston_housing", "california_housing", "cifar10", "cifar100", "fashion_mnist", "imdb", "mnist",
            "reuters")

__all__ = list(DATASETS)


def __getattr__(name: str) -> Any:
    if name in DATASETS:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}; data sets: {', '.join(DATASETS)}")
