"""The plugin registers its layers and loaders through the public hooks, imports nothing heavy,
and works alone in an isolated host."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import oneiros as oi
import oneiros_text.plugin as text_plugin

LAYERS = ["Embedding", "PositionalEmbedding", "SimpleRNNCell", "LSTMCell", "GRUCell", "RNN", "SimpleRNN", "LSTM",
          "GRU", "Bidirectional", "TimeDistributed", "Attention", "AdditiveAttention", "MultiHeadAttention",
          "TransformerEncoder", "TextVectorization", "StringLookup", "IntegerLookup", "Hashing", "CategoryEncoding",
          "StackedRNNCells", "ConvLSTM1D", "ConvLSTM2D", "ConvLSTM3D", "GroupQueryAttention", "GroupedQueryAttention",
          "ReversibleEmbedding", "HashedCrossing"]
CLASS_NAMES = {"GroupQueryAttention": "GroupedQueryAttention"}
"""Keras exports GroupedQueryAttention under a second name; both are registered."""


def test_every_layer_and_loader_is_registered_under_the_text_plugin():
    for name in LAYERS:
        assert oi.layers.get(f"text>{name}") is oi.layers.get(name)
        assert oi.layers.get(name).__name__ == CLASS_NAMES.get(name, name)
    assert {"text>text_folder", "text>delimited"} <= set(oi.data.loaders())


def test_the_plugin_registers_cleanly_alone(register_plugin, oneiros_host):
    record = register_plugin(text_plugin, name="text")
    assert record.registered["layers"] == len(LAYERS)
    assert record.registered["data_loaders"] == 2
    assert oneiros_host.registry("layers").get("LSTM").__name__ == "LSTM"


def test_importing_the_plugin_module_imports_no_engine_and_no_layer():
    script = textwrap.dedent("""
        import json, sys
        import oneiros_text.plugin
        heavy = ("jax", "keras", "tensorflow", "oneiros_text.layers.lstm",
                 "oneiros_text.preprocessing.text_vectorization")
        print(json.dumps([name for name in heavy if name in sys.modules]))
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == []


def test_the_plugin_depends_on_the_core_and_the_keras_hashes_only():
    from importlib.metadata import distribution

    requirements = distribution("oneiros-text").requires or []
    assert [r.split(">")[0].split("<")[0].split("=")[0].strip() for r in requirements] == [
        "oneiros", "pyfarmhash", "siphashc"]
