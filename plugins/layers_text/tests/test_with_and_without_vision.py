"""Text models use the vision plugin's Conv1D and pooling when it is installed, and the text
plugin needs nothing from it."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import numpy as np
import pytest

import oneiros as oi
from oneiros import layers, ops


def test_a_conv1d_text_model_learns_with_the_vision_plugin():
    pytest.importorskip("oneiros_vision", reason="the vision plugin is not installed")
    rng = np.random.default_rng(0)
    tokens = rng.integers(1, 50, size=(64, 12)).astype("int32")
    labels = (tokens == 7).any(axis=1).astype("float32")
    with oi.backend_scope("jax"):
        oi.set_random_seed(0)
        model = oi.Sequential([layers.Input((12,), dtype="int32"), layers.Embedding(50, 8),
                               layers.Conv1D(8, 3, activation="relu"), layers.GlobalMaxPooling1D(),
                               layers.Dense(1, activation="sigmoid")])
        model.compile(optimizer="adam", loss="binary_crossentropy")
        history = model.fit(tokens, labels, epochs=5, batch_size=16, verbose=0)
        embedded = model.layers[0](tokens)
        assert tuple(ops.shape(model.layers[1](embedded))) == (64, 10, 8)
    losses = history.history["loss"]
    assert losses[-1] < losses[0]


def test_the_text_plugin_works_with_the_vision_plugin_disabled():
    script = textwrap.dedent("""
        import numpy as np, oneiros as oi
        from oneiros import layers
        model = oi.Sequential([layers.Input((5,), dtype="int32"), layers.Embedding(10, 4, mask_zero=True),
                               layers.Bidirectional(layers.GRU(3)), layers.Dense(2)])
        print(np.asarray(model(np.array([[1, 2, 0, 0, 0]], "int32"))).shape)
        try:
            layers.Conv1D
        except AttributeError:
            print("no Conv1D")
    """)
    environment = {"ONEIROS_DISABLE_PLUGINS": "vision", "ONEIROS_BACKEND": "numpy", "PATH": ""}
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                            env=environment)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["(1,", "2)", "no", "Conv1D"]
