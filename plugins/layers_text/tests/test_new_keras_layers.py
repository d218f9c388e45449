"""ConvLSTM1D/2D/3D, StackedRNNCells, GroupQueryAttention, ReversibleEmbedding and HashedCrossing
agree with Keras 3 itself (KERAS_BACKEND=jax) given the same weights, on the numpy reference and
on JAX; gradients agree with finite differences; configs round-trip; they train in a compiled fit."""

from __future__ import annotations

import json
import os

import numpy as np
import pytest

os.environ.setdefault("KERAS_BACKEND", "jax")
import keras  # noqa: E402

import oneiros as oi  # noqa: E402
from oneiros import layers, ops  # noqa: E402
from oneiros.testing import check_layer  # noqa: E402

RNG = np.random.default_rng(7)
SEQUENCES_1D = RNG.normal(size=(2, 4, 7, 3)).astype("float32")
SEQUENCES_2D = RNG.normal(size=(2, 3, 6, 6, 2)).astype("float32")
SEQUENCES_3D = RNG.normal(size=(1, 2, 4, 4, 4, 2)).astype("float32")
VECTORS = RNG.normal(size=(3, 5, 4)).astype("float32")
QUERY = RNG.normal(size=(2, 5, 8)).astype("float32")
VALUE = RNG.normal(size=(2, 6, 8)).astype("float32")


def numpy_of(value):
    return np.asarray(ops.to_numpy(value))


def shapes(value):
    """One shape or several, as a list of tuples."""
    return [tuple(value)] if all(isinstance(size, (int, type(None))) for size in value) else \
        [tuple(shape) for shape in value]


def same_weights(keras_layer, ours, *inputs):
    ours(*inputs)
    weights = [np.asarray(w) for w in keras_layer.get_weights()]
    assert [w.shape for w in weights] == [tuple(w.shape) for w in ours.weights]
    ours.set_weights(weights)


def assert_matches(got, expected, atol=1e-5):
    got, expected = oi.tree.flatten(got), keras.tree.flatten(expected)
    assert len(got) == len(expected)
    for value, want in zip(got, expected):
        np.testing.assert_allclose(numpy_of(value), np.asarray(want), atol=atol)


def round_trip(layer):
    config = json.loads(json.dumps(layer.get_config()))
    rebuilt = type(layer).from_config(config)
    assert rebuilt.get_config() == layer.get_config()
    return rebuilt


@pytest.mark.parametrize("name,inputs,arguments", [
    ("ConvLSTM1D", SEQUENCES_1D, {}),
    ("ConvLSTM1D", SEQUENCES_1D, {"padding": "same", "return_sequences": True, "dilation_rate": 2}),
    ("ConvLSTM1D", SEQUENCES_1D, {"strides": 2, "return_state": True, "go_backwards": True}),
    ("ConvLSTM2D", SEQUENCES_2D, {"kernel_size": (3, 2), "padding": "same", "return_sequences": True}),
    ("ConvLSTM3D", SEQUENCES_3D.transpose(0, 1, 5, 2, 3, 4), {"kernel_size": 2, "data_format": "channels_first"}),
])
def test_conv_lstm_matches_keras(backend, name, inputs, arguments):
    arguments = {"kernel_size": 3, **arguments}
    keras_layer = getattr(keras.layers, name)(4, **arguments)
    expected = keras_layer(inputs)
    ours = getattr(layers, name)(4, **arguments)
    same_weights(keras_layer, ours, inputs)
    assert_matches(ours(inputs), expected)
    assert shapes(ours.compute_output_shape(inputs.shape)) == shapes(keras_layer.compute_output_shape(inputs.shape))
    rebuilt = round_trip(ours)
    rebuilt(inputs)
    rebuilt.set_weights(ours.get_weights())
    assert_matches(rebuilt(inputs), expected)


def test_conv_lstm_masked_steps_keep_the_state(backend):
    """Keras's ConvLSTM cannot broadcast a mask over feature maps; the oracle is Keras on the
    unmasked prefix, which a trailing mask must reproduce."""
    keras_layer = keras.layers.ConvLSTM2D(4, (3, 2), padding="same")
    expected = keras_layer(SEQUENCES_2D[:, :2])
    ours = layers.ConvLSTM2D(4, (3, 2), padding="same")
    same_weights(keras_layer, ours, SEQUENCES_2D)
    mask = np.array([[True, True, False]] * 2)
    assert_matches(ours(SEQUENCES_2D, mask=mask), expected)


def test_conv_lstm_gradients_agree_with_finite_differences():
    report = check_layer(layers.ConvLSTM1D, {"filters": 2, "kernel_size": 2, "return_sequences": True},
                         input_shape=(2, 3, 4, 2), expected_num_trainable_weights=3, exports=[],
                         backends=["numpy", "jax"])
    assert report["gradients"] == "checked"


def test_conv_lstm_refuses_bad_arguments():
    with pytest.raises(ValueError, match=r"kernel_size.*received kernel_size=\(3, 3\)"):
        layers.ConvLSTM1D(2, (3, 3))
    with pytest.raises(ValueError, match="cannot be combined"):
        layers.ConvLSTM2D(2, 3, strides=2, dilation_rate=2)
    with pytest.raises(ValueError, match="stateful"):
        layers.ConvLSTM2D(2, 3, stateful=True)
    with pytest.raises(ValueError, match=r"expected inputs with ndim=5; received shape \(2, 3, 4\)"):
        layers.ConvLSTM2D(2, 3)(np.ones((2, 3, 4), "float32"))


@pytest.mark.parametrize("mask", [None, np.array([[1, 1, 1, 0, 0]] * 3, bool)])
def test_stacked_cells_match_keras_with_nested_states(backend, mask):
    keras_layer = keras.layers.RNN(keras.layers.StackedRNNCells([keras.layers.LSTMCell(3), keras.layers.GRUCell(2)]),
                                   return_sequences=True, return_state=True)
    expected = keras_layer(VECTORS, mask=mask)
    ours = layers.RNN(layers.StackedRNNCells([layers.LSTMCell(3), layers.GRUCell(2)]), return_sequences=True,
                      return_state=True)
    same_weights(keras_layer, ours, VECTORS)
    got = ours(VECTORS, mask=mask)
    assert [type(v) is list for v in got] == [False, True, False]  # output, [h1, c1], GRU's h2
    assert_matches(got, expected)
    initial = [[np.ones((3, 3), "float32"), np.zeros((3, 3), "float32")], np.ones((3, 2), "float32")]
    assert_matches(ours(VECTORS, initial_state=initial), keras_layer(VECTORS, initial_state=initial))


def test_rnn_stacks_a_list_of_cells_and_round_trips(backend):
    keras_layer = keras.layers.RNN([keras.layers.SimpleRNNCell(3), keras.layers.SimpleRNNCell(2)])
    expected = keras_layer(VECTORS)
    ours = layers.RNN([layers.SimpleRNNCell(3), layers.SimpleRNNCell(2)])
    same_weights(keras_layer, ours, VECTORS)
    assert_matches(ours(VECTORS), expected)
    assert type(ours.cell).__name__ == "StackedRNNCells"
    rebuilt = round_trip(ours)
    rebuilt(VECTORS)
    rebuilt.set_weights(ours.get_weights())
    assert_matches(rebuilt(VECTORS), expected)
    with pytest.raises(ValueError, match="non-empty list of cells"):
        layers.StackedRNNCells([])


@pytest.mark.parametrize("arguments,call", [
    ({}, {"return_attention_scores": True}),
    ({"use_gate": True}, {"return_attention_scores": True}),
    ({"sliding_window": 2, "num_key_value_heads": 1}, {"return_attention_scores": True}),
    ({}, {"use_causal_mask": True, "self": True}),
])
def test_group_query_attention_matches_keras(backend, arguments, call):
    arguments = {"head_dim": 3, "num_query_heads": 4, "num_key_value_heads": 2, **arguments}
    call = dict(call)
    value = QUERY if call.pop("self", False) else VALUE
    keras_layer = keras.layers.GroupQueryAttention(**arguments)
    expected = keras_layer(QUERY, value, **call)
    ours = layers.GroupQueryAttention(**arguments)
    same_weights(keras_layer, ours, QUERY, value)
    assert_matches(ours(QUERY, value, **call), expected)
    rebuilt = round_trip(ours)
    rebuilt(QUERY, value)
    rebuilt.set_weights(ours.get_weights())
    assert_matches(rebuilt(QUERY, value, **call), expected)


def test_group_query_attention_gradients_and_errors():
    report = check_layer(layers.GroupQueryAttention, {"head_dim": 2, "num_query_heads": 2, "num_key_value_heads": 1},
                         input_shape=[(2, 3, 4), (2, 3, 4)], expected_num_trainable_weights=8, exports=[],
                         backends=["numpy", "jax"])
    assert report["gradients"] == "checked"
    with pytest.raises(ValueError, match="num_query_heads=3 and num_key_value_heads=2"):
        layers.GroupQueryAttention(head_dim=2, num_query_heads=3, num_key_value_heads=2)
    with pytest.raises(ValueError, match="sliding_window=0"):
        layers.GroupQueryAttention(head_dim=2, num_query_heads=2, num_key_value_heads=1, sliding_window=0)


@pytest.mark.parametrize("arguments", [{}, {"tie_weights": False, "logit_soft_cap": 2.0, "mask_zero": True}])
def test_reversible_embedding_matches_keras(backend, arguments):
    ids = np.array([[1, 2, 0], [3, 4, 5]])
    keras_layer = keras.layers.ReversibleEmbedding(10, 4, **arguments)
    keras_vectors = keras_layer(ids)
    ours = layers.ReversibleEmbedding(10, 4, **arguments)
    same_weights(keras_layer, ours, ids)
    vectors = ours(ids)
    assert_matches(vectors, keras_vectors)
    assert_matches(ours(vectors, reverse=True), keras_layer(keras_vectors, reverse=True))
    assert len(ours.weights) == (1 if arguments.get("tie_weights", True) else 2)
    round_trip(ours)
    with oi.backend_scope("jax"):
        inputs = oi.Input((3,), dtype="int32")
        symbolic = layers.ReversibleEmbedding(10, 4, **arguments)
        logits = symbolic(symbolic(inputs), reverse=True)
        assert tuple(logits.shape) == (None, 3, 10)


def test_hashed_crossing_bins_equal_keras():
    numbers = np.array([[1], [2], [-3], [40]])
    words = np.array([["a"], ["bb"], ["é"], ["a longer string of more than sixty-four bytes, hashed in blocks"]])
    for features in [(numbers, words), (numbers.ravel(), words.ravel(), numbers.ravel())]:
        for mode in ("int", "one_hot"):
            expected = keras.layers.HashedCrossing(num_bins=17, output_mode=mode)(features)
            layer = layers.HashedCrossing(num_bins=17, output_mode=mode)
            got = numpy_of(layer(features))
            assert got.shape == np.asarray(expected).shape
            np.testing.assert_array_equal(got, np.asarray(expected))
            round_trip(layer)
    with pytest.raises(ValueError, match="at least two features"):
        layers.HashedCrossing(num_bins=3)([numbers])
    with pytest.raises(ValueError, match="integer or string features; received an array of dtype float32"):
        layers.HashedCrossing(num_bins=3)((numbers, numbers.astype("float32")))


def test_new_layers_train_inside_a_compiled_fit():
    x = RNG.normal(size=(16, 3, 6, 2)).astype("float32")
    tokens = RNG.integers(1, 12, size=(16, 5)).astype("int32")
    y = (x.mean(axis=(1, 2, 3)) > 0).astype("float32")[:, None]
    with oi.backend_scope("jax"):
        sequence_inputs = oi.Input((3, 6, 2))
        token_inputs = oi.Input((5,), dtype="int32")
        convolved = layers.Flatten()(layers.ConvLSTM1D(2, 3)(sequence_inputs))
        embedding = layers.ReversibleEmbedding(12, 4)
        embedded = embedding(token_inputs)
        attended = layers.GroupQueryAttention(head_dim=2, num_query_heads=2, num_key_value_heads=1)(embedded, embedded)
        stacked = layers.RNN([layers.GRUCell(3), layers.LSTMCell(2)])(attended)
        merged = layers.Concatenate()([convolved, stacked])
        model = oi.Model([sequence_inputs, token_inputs], layers.Dense(1, activation="sigmoid")(merged))
        model.compile(optimizer="adam", loss="binary_crossentropy")
        before = [w.copy() for w in model.get_weights()]
        history = model.fit([x, tokens], y, epochs=2, batch_size=8, verbose=0)
        assert np.all(np.isfinite(history.history["loss"]))
        # The key bias adds one constant to all scores of a query, which softmax ignores: its gradient is 0.
        unchanged = [w.path for w, old in zip(model.weights, before) if np.allclose(w.numpy(), old)]
        assert [path.split("/")[-2:] for path in unchanged] == [["key", "bias"]], unchanged
        predictions = model.predict([x, tokens], verbose=0)
    with oi.backend_scope("numpy"):
        restored = oi.Model.from_config(model.get_config())
        restored.set_weights(model.get_weights())
        np.testing.assert_allclose(numpy_of(restored([x, tokens])), predictions, atol=1e-5)


def test_keras_files_load_both_ways(tmp_path):
    """Keras 3's .keras files of these layers load into Oneiros with the same outputs, and Oneiros
    writes files Keras loads (weight paths and class names are Keras's)."""
    query = keras.Input((5, 8))
    attention = keras.layers.GroupQueryAttention(head_dim=2, num_query_heads=4, num_key_value_heads=2)
    cases = {
        "conv_lstm": (keras.Sequential([keras.Input((3, 6, 2)), keras.layers.ConvLSTM1D(2, 3, return_sequences=True)]),
                      SEQUENCES_1D[:, :3, :6, :2]),
        "stacked": (keras.Sequential([keras.Input((5, 4)),
                                      keras.layers.RNN([keras.layers.LSTMCell(3), keras.layers.GRUCell(2)])]), VECTORS),
        "reversible": (keras.Sequential([keras.Input((3,), dtype="int32"), keras.layers.ReversibleEmbedding(10, 3)]),
                       np.array([[1, 2, 3]], "int32")),
        "attention": (keras.Model(query, attention(query, query)), QUERY),
    }
    with oi.backend_scope("jax"):
        for name, (keras_model, inputs) in cases.items():
            keras_model.save(tmp_path / f"{name}.keras")
            model = oi.load_model(tmp_path / f"{name}.keras")
            np.testing.assert_allclose(numpy_of(model(inputs)), np.asarray(keras_model(inputs)), atol=1e-5)
            model.save(tmp_path / f"{name}_oneiros.keras")
            reloaded = keras.saving.load_model(tmp_path / f"{name}_oneiros.keras")
            np.testing.assert_allclose(np.asarray(reloaded(inputs)), np.asarray(keras_model(inputs)), atol=1e-5)
