"""Embedding and PositionalEmbedding: table rows (numpy indexing as the oracle) and masks."""

from __future__ import annotations

import numpy as np
import pytest

from oneiros import layers, ops
from oneiros.testing import check_layer

TOKENS = np.array([[3, 1, 0, 0], [4, 4, 2, 9]], "int32")


def numpy_of(value):
    return np.asarray(ops.to_numpy(value))


def test_embedding_looks_up_rows_and_masks_zero(backend):
    table = np.arange(30, dtype="float32").reshape(10, 3)
    layer = layers.Embedding(10, 3, mask_zero=True, weights=[table])
    np.testing.assert_array_equal(numpy_of(layer(TOKENS)), table[TOKENS])
    np.testing.assert_array_equal(numpy_of(layer(TOKENS.astype("float32"))), table[TOKENS])
    np.testing.assert_array_equal(numpy_of(layer.compute_mask(TOKENS)), TOKENS != 0)
    assert layers.Embedding(10, 3).compute_mask(TOKENS) is None


def test_embedding_default_initializer_is_keras_uniform():
    table = layers.Embedding(200, 50)
    table(TOKENS)
    values = table.weights[0].numpy()
    assert values.shape == (200, 50) and np.abs(values).max() <= 0.05 and values.std() > 0.02


def test_positional_embedding_adds_token_and_position_rows(backend):
    layer = layers.PositionalEmbedding(sequence_length=6, input_dim=10, output_dim=3, mask_zero=True)
    layer(TOKENS)
    token_table = np.random.default_rng(0).normal(size=(10, 3)).astype("float32")
    position_table = np.random.default_rng(1).normal(size=(6, 3)).astype("float32")
    layer.set_weights([token_table, position_table])
    np.testing.assert_allclose(numpy_of(layer(TOKENS)), token_table[TOKENS] + position_table[:4], rtol=1e-6)
    np.testing.assert_array_equal(numpy_of(layer.compute_mask(TOKENS)), TOKENS != 0)
    with pytest.raises(ValueError, match="positions for 6 steps"):
        layer(np.ones((1, 7), "int32"))


@pytest.mark.parametrize("layer_class,arguments", [
    (layers.Embedding, {"input_dim": 6, "output_dim": 3}),
    (layers.PositionalEmbedding, {"sequence_length": 5, "input_dim": 6, "output_dim": 3}),
])
def test_check_layer(layer_class, arguments):
    report = check_layer(layer_class, arguments, input_shape=(2, 4), input_dtype="int32")
    assert report["gradients"] == "checked"


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="input_dim"):
        layers.Embedding(0, 3)
    with pytest.raises(ValueError, match=r"shape \(10, 3\)"):
        layers.Embedding(10, 3, weights=np.ones((3, 10)))
