"""Text preprocessing: TextVectorization, StringLookup, IntegerLookup, Hashing, CategoryEncoding
and ``pad_sequences``.

The string layers run on the host in numpy and Python (no TensorFlow): apply them to the data
and train on what they return. CategoryEncoding is written in ``oneiros.ops`` and runs anywhere.
"""

from __future__ import annotations

import importlib
from typing import Any

_MODULES = {
    "TextVectorization": "text_vectorization",
    "StringLookup": "string_lookup",
    "IntegerLookup": "integer_lookup",
    "Hashing": "hashing",
    "CategoryEncoding": "category_encoding",
    "pad_sequences": "pad_sequences",
    "HashedCrossing": "hashed_crossing",
}
_LAYERS = ("TextVectorization", "StringLookup", "IntegerLookup", "Hashing", "CategoryEncoding", "HashedCrossing")

__all__ = sorted(_MODULES)


def __getattr__(name: str) -> Any:
    if name not in _MODULES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_MODULES[name]}"), name)


def layer_references() -> dict[str, str]:
    """``{name: "module:Class"}`` for the plugin's ``register_layers`` hook, which registers them
    lazily: discovering the plugin imports none of these modules."""
    return {name: f"{__name__}.{_MODULES[name]}:{name}" for name in _LAYERS}
