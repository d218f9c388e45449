"""``oi.utils``: Keras's ``keras.utils`` names, with Keras 3 signatures and semantics.

Every name is imported on first use, so ``import oneiros`` (and ``oneiros.utils``) stays cheap.
The serialization names (``serialize_keras_object``, ``get_custom_objects``...) are
``oneiros.saving``'s own, re-exported here as Keras does.

Example::

    from oneiros import utils

    y = utils.to_categorical([0, 2, 1], num_classes=3)
    x = utils.pad_sequences([[1, 2, 3], [4]], maxlen=2, padding="post")
"""

from __future__ import annotations

import importlib
from typing import Any

_NAMES = {
    "to_categorical": "oneiros.utils._numerical",
    "normalize": "oneiros.utils._numerical",
    "pad_sequences": "oneiros.utils._sequences",
    "set_random_seed": "oneiros.random_state",
    "clear_session": "oneiros.utils._session",
    "split_dataset": "oneiros.utils._split",
    "timeseries_dataset_from_array": "oneiros.utils._timeseries",
    "image_dataset_from_directory": "oneiros.utils._directories",
    "text_dataset_from_directory": "oneiros.utils._directories",
    "audio_dataset_from_directory": "oneiros.utils._audio",
    "FeatureSpace": "oneiros.utils._feature_space",
    "Progbar": "oneiros.utils._progbar",
    "PyDataset": "oneiros.utils._py_dataset",
    "Sequence": "oneiros.utils._py_dataset",
    "get_file": "oneiros.utils._files",
    "plot_model": "oneiros.utils._plotting",
    "model_to_dot": "oneiros.utils._plotting",
    "pack_x_y_sample_weight": "oneiros.utils._structures",
    "unpack_x_y_sample_weight": "oneiros.utils._structures",
    "is_keras_tensor": "oneiros.utils._structures",
    "get_source_inputs": "oneiros.utils._structures",
    "standardize_dtype": "oneiros.utils._structures",
    "load_img": "oneiros.utils._images",
    "save_img": "oneiros.utils._images",
    "img_to_array": "oneiros.utils._images",
    "array_to_img": "oneiros.utils._images",
    "Config": "oneiros.utils._config",
    "enable_interactive_logging": "oneiros.utils._logging",
    "disable_interactive_logging": "oneiros.utils._logging",
    "is_interactive_logging_enabled": "oneiros.utils._logging",
}
SAVING_NAMES = ("serialize_keras_object", "deserialize_keras_object", "get_custom_objects", "custom_object_scope",
                "CustomObjectScope", "register_keras_serializable", "get_registered_name",
                "get_registered_object")
"""Names Keras exports from both ``keras.utils`` and ``keras.saving``; ``oneiros.saving`` defines them."""

SUBMODULES = ("bounding_boxes",)
"""Keras's ``keras.utils`` submodules, public modules of this package."""

__all__ = sorted([*_NAMES, *SAVING_NAMES, *SUBMODULES])


def __getattr__(name: str) -> Any:
    if name in _NAMES:
        return getattr(importlib.import_module(_NAMES[name]), name)
    if name in SUBMODULES:
        return importlib.import_module(f"oneiros.utils.{name}")
    if name in SAVING_NAMES:
        return getattr(importlib.import_module("oneiros.saving"), name)
    raise AttributeError(f"module 'oneiros.utils' has no attribute {name!r}")


def __dir__() -> list[str]:
    return __all__
