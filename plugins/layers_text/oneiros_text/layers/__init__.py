"""The plugin's layers: embeddings, recurrent layers and cells, wrappers and attention.

Use them through ``oneiros.layers`` (``oi.layers.LSTM``), or import them from here.
"""

from __future__ import annotations

import importlib
from typing import Any

_MODULES = {
    "Embedding": "embedding",
    "PositionalEmbedding": "positional_embedding",
    "SimpleRNNCell": "simple_rnn_cell",
    "LSTMCell": "lstm_cell",
    "GRUCell": "gru_cell",
    "RNN": "rnn",
    "SimpleRNN": "simple_rnn",
    "LSTM": "lstm",
    "GRU": "gru",
    "Bidirectional": "bidirectional",
    "TimeDistributed": "time_distributed",
    "Attention": "attention",
    "AdditiveAttention": "additive_attention",
    "MultiHeadAttention": "multi_head_attention",
    "TransformerEncoder": "transformer_encoder",
    "StackedRNNCells": "stacked_rnn_cells",
    "ConvLSTM1D": "conv_lstm1d",
    "ConvLSTM2D": "conv_lstm2d",
    "ConvLSTM3D": "conv_lstm3d",
    "GroupQueryAttention": "group_query_attention",
    "GroupedQueryAttention": "group_query_attention",
    "ReversibleEmbedding": "reversible_embedding",
}

__all__ = sorted(_MODULES)


def __getattr__(name: str) -> Any:
    if name not in _MODULES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_MODULES[name]}"), name)


def layer_references() -> dict[str, str]:
    """``{name: "module:Class"}`` for the plugin's ``register_layers`` hook, which registers them
    lazily: discovering the plugin imports none of these modules."""
    return {name: f"{__name__}.{_MODULES[name]}:{name}" for name in _MODULES}
