"""Every text layer that computes with ops, compiled to ONNX, predicts what the jax backend predicts.

Recurrent layers lower their ``ops.scan`` to an ONNX Loop; attention to plain ops. The
host-side preprocessing layers (StringLookup, IntegerLookup, Hashing, TextVectorization) work
on strings and Python tables by design, so they run before the model and cannot be traced.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import oneiros as oi
from oneiros import layers

HOST_SIDE = {"HashedCrossing", "Hashing", "IntegerLookup", "StringLookup", "TextVectorization"}

Spec = tuple[Callable[[], Any], list[tuple], str]

SEQUENCE = [(6, 4)]
TOKENS = [(7,)]
SPECS: dict[str, Spec] = {
    "AdditiveAttention": (lambda: layers.AdditiveAttention(), [(4, 6), (5, 6)], "float32"),
    "Attention": (lambda: layers.Attention(use_scale=True), [(4, 6), (5, 6)], "float32"),
    "Bidirectional": (lambda: layers.Bidirectional(layers.LSTM(5, return_sequences=True)), SEQUENCE, "float32"),
    "CategoryEncoding": (lambda: layers.CategoryEncoding(6, output_mode="count"), [(4,)], "int32"),
    "Embedding": (lambda: layers.Embedding(20, 4), TOKENS, "int32"),
    "GRU": (lambda: layers.GRU(5), SEQUENCE, "float32"),
    "GRU-backwards-sequences": (lambda: layers.GRU(5, go_backwards=True, return_sequences=True), SEQUENCE, "float32"),
    "GRUCell": (lambda: layers.RNN(layers.GRUCell(5)), SEQUENCE, "float32"),
    "LSTM": (lambda: layers.LSTM(5, return_sequences=True), SEQUENCE, "float32"),
    "LSTMCell": (lambda: layers.RNN(layers.LSTMCell(5), return_state=True), SEQUENCE, "float32"),
    "MultiHeadAttention": (lambda: layers.MultiHeadAttention(num_heads=2, key_dim=3), [(4, 6), (5, 6)], "float32"),
    "PositionalEmbedding": (lambda: layers.PositionalEmbedding(7, 20, 4), TOKENS, "int32"),
    "RNN": (lambda: layers.RNN(layers.SimpleRNNCell(4), go_backwards=True), SEQUENCE, "float32"),
    "SimpleRNN": (lambda: layers.SimpleRNN(5, activation="relu"), SEQUENCE, "float32"),
    "SimpleRNNCell": (lambda: layers.RNN(layers.SimpleRNNCell(3), return_sequences=True), SEQUENCE, "float32"),
    "TimeDistributed": (lambda: layers.TimeDistributed(layers.Dense(3)), [(4, 5)], "float32"),
    "TransformerEncoder": (lambda: layers.TransformerEncoder(8, 2), [(5, 6)], "float32"),
    "ConvLSTM1D": (lambda: layers.ConvLSTM1D(3, 3, return_sequences=True), [(4, 6, 2)], "float32"),
    "ConvLSTM2D": (lambda: layers.ConvLSTM2D(2, 2, padding="same"), [(3, 4, 4, 2)], "float32"),
    "ConvLSTM3D": (lambda: layers.ConvLSTM3D(2, 2), [(2, 3, 3, 3, 1)], "float32"),
    "GroupedQueryAttention": (lambda: layers.GroupQueryAttention(head_dim=3, num_query_heads=4, num_key_value_heads=2),
                              [(4, 6), (5, 6)], "float32"),
    "ReversibleEmbedding": (lambda: layers.ReversibleEmbedding(20, 4), TOKENS, "int32"),
    "StackedRNNCells": (lambda: layers.RNN([layers.LSTMCell(3), layers.GRUCell(2)]), SEQUENCE, "float32"),
}


@pytest.mark.parametrize("name", sorted(SPECS))
def test_layer_matches_jax(name: str, compare: Any, randomized: Any, make_inputs: Any) -> None:
    factory, shapes, dtype = SPECS[name]
    with oi.backend_scope("onnx"):  # built (weights initialised) on onnx; predicted on both
        inputs = [oi.Input(shape, dtype=dtype) for shape in shapes]
        model = oi.Model(inputs if len(inputs) > 1 else inputs[0], factory()(inputs if len(inputs) > 1 else inputs[0]))
        randomized(model)
    rng = np.random.default_rng(3)
    arrays = [make_inputs((8, *shape), dtype, rng, high=6) for shape in shapes]
    compare(model, arrays if len(arrays) > 1 else arrays[0], label=name)


def test_masked_sequences_match_jax(compare: Any, randomized: Any) -> None:
    """Zero-padded token sequences: the mask from Embedding steers the Loop's where-selects."""
    with oi.backend_scope("onnx"):
        tokens = oi.Input((7,), dtype="int32")
        hidden = layers.Embedding(20, 4, mask_zero=True)(tokens)
        hidden = layers.LSTM(5, return_sequences=True)(hidden)
        model = oi.Model(tokens, layers.GRU(3)(hidden))
        randomized(model)
    rng = np.random.default_rng(4)
    ids = rng.integers(1, 20, (8, 7)).astype("int32")
    for row, length in enumerate(rng.integers(1, 8, 8)):
        ids[row, length:] = 0
    compare(model, ids, label="masked LSTM+GRU")


def test_every_text_layer_is_covered_or_host_side() -> None:
    from oneiros._plugins import host

    registry = host().registry("layers")
    classes = {entry.obj for entry in registry.entries() if entry.plugin == "text"}
    covered = {registry.get(f"text>{name.split('-')[0]}") for name in SPECS}
    assert {cls.__name__ for cls in classes - covered} == HOST_SIDE


@pytest.mark.parametrize("name", sorted(HOST_SIDE - {"TextVectorization", "StringLookup"}))
def test_host_side_layers_refuse_tracing_naming_the_layer(name: str) -> None:
    from oneiros_onnx import to_onnx

    with oi.backend_scope("onnx"):
        if name == "HashedCrossing":
            features = [oi.Input((1,), dtype="int32"), oi.Input((1,), dtype="int32")]
            model = oi.Model(features, layers.HashedCrossing(5)(features))
        else:
            layer = layers.IntegerLookup(vocabulary=[3, 7, 11]) if name == "IntegerLookup" else layers.Hashing(5)
            tokens = oi.Input((4,), dtype="int32")
            model = oi.Model(tokens, layer(tokens))
    with pytest.raises(TypeError, match=name):
        to_onnx(model)
