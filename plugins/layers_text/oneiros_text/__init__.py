"""oneiros-text: embeddings, recurrent and attention layers, text preprocessing without
TensorFlow, and text data loaders for Oneiros.

The layers are reached through ``oneiros.layers`` (``oi.layers.LSTM``...) once the plugin is
installed; ``pad_sequences`` and the loaders are importable from here::

    from oneiros_text import pad_sequences, load_delimited, text_dataset_from_directory
"""

from __future__ import annotations

from typing import Any

__all__ = ["load_delimited", "pad_sequences", "text_dataset_from_directory"]


def __getattr__(name: str) -> Any:
    if name == "pad_sequences":
        from oneiros_text.preprocessing.pad_sequences import pad_sequences

        return pad_sequences
    if name in ("load_delimited", "text_dataset_from_directory"):
        import oneiros_text.data as data

        return getattr(data, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
