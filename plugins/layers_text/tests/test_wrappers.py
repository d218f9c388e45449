"""RNN(cell), Bidirectional and TimeDistributed: outputs built from their parts, states, configs."""

from __future__ import annotations

import numpy as np
import pytest

import oneiros as oi
from oneiros import layers, ops
from oneiros.testing import check_layer

RNG = np.random.default_rng(9)
X = RNG.normal(size=(3, 4, 2)).astype("float32")


def numpy_of(value):
    return np.asarray(ops.to_numpy(value))


@pytest.mark.parametrize("merge_mode,combine", [
    ("concat", lambda f, b: np.concatenate([f, b], -1)), ("sum", np.add), ("mul", np.multiply),
    ("ave", lambda f, b: (f + b) / 2),
])
def test_bidirectional_merges_the_forward_and_the_reversed_backward_outputs(backend, merge_mode, combine):
    layer = layers.Bidirectional(layers.GRU(3, return_sequences=True, name="words"), merge_mode=merge_mode)
    merged = numpy_of(layer(X))
    forward = numpy_of(layer.forward_layer(X))
    backward = numpy_of(layer.backward_layer(X))[:, ::-1]
    np.testing.assert_allclose(merged, combine(forward, backward), rtol=1e-6, atol=1e-6)
    assert (layer.forward_layer.name, layer.backward_layer.name) == ("forward_words", "backward_words")
    assert layer.backward_layer.go_backwards and not layer.forward_layer.go_backwards


def test_bidirectional_states_and_initial_states(backend):
    layer = layers.Bidirectional(layers.LSTM(2, return_state=True), merge_mode=None)
    states = [RNG.normal(size=(3, 2)).astype("float32") for _ in range(4)]
    forward, backward, *final = layer(X, initial_state=states)
    expected_forward = layer.forward_layer(X, initial_state=states[:2])
    expected_backward = layer.backward_layer(X, initial_state=states[2:])
    for got, want in zip([forward, *final[:2]], expected_forward):
        np.testing.assert_allclose(numpy_of(got), numpy_of(want), atol=1e-6)
    for got, want in zip([backward, *final[2:]], expected_backward):
        np.testing.assert_allclose(numpy_of(got), numpy_of(want), atol=1e-6)


def test_initial_states_flow_through_a_functional_graph_and_its_config():
    sequences, h0, c0 = oi.Input((4, 2)), oi.Input((5,)), oi.Input((5,))
    lstm = layers.LSTM(5, return_state=True)
    output, h, c = lstm(sequences, initial_state=[h0, c0])
    model = oi.Model([sequences, h0, c0], [output, c])
    states = [RNG.normal(size=(3, 5)).astype("float32") for _ in range(2)]
    expected = lstm(X, initial_state=states)
    got = model([X, *states])
    np.testing.assert_allclose(numpy_of(got[0]), numpy_of(expected[0]), atol=1e-6)
    np.testing.assert_allclose(numpy_of(got[1]), numpy_of(expected[2]), atol=1e-6)
    rebuilt = type(model).from_config(model.get_config())
    rebuilt.set_weights(model.get_weights())
    np.testing.assert_allclose(numpy_of(rebuilt([X, *states])[1]), numpy_of(got[1]), atol=1e-6)


def test_time_distributed_applies_the_layer_at_every_step(backend):
    dense = layers.Dense(5)
    layer = layers.TimeDistributed(dense)
    outputs = numpy_of(layer(X))
    kernel, bias = dense.get_weights()
    np.testing.assert_allclose(outputs, np.einsum("btf,fu->btu", X, kernel) + bias, rtol=1e-5, atol=1e-6)
    assert layer.compute_output_shape((None, 4, 2)) == (None, 4, 5)


@pytest.mark.parametrize("layer_class,arguments", [
    (layers.SimpleRNN, {"units": 2, "return_sequences": True}),
    (layers.RNN, {"cell": layers.SimpleRNNCell(2, use_bias=False)}),
    (layers.Bidirectional, {"layer": layers.SimpleRNN(2, use_bias=False, return_sequences=True)}),
    (layers.TimeDistributed, {"layer": layers.Dense(3)}),
])
def test_check_layer(layer_class, arguments):
    report = check_layer(layer_class, arguments, input_shape=(2, 3, 2))
    assert report["gradients"] == "checked"


@pytest.mark.parametrize("cell", [layers.SimpleRNNCell(2), layers.LSTMCell(2, unit_forget_bias=False),
                                  layers.GRUCell(2, reset_after=False)])
def test_rnn_configs_rebuild_their_cell(cell):
    layer = layers.RNN(cell, return_sequences=True, go_backwards=True)
    config = layer.get_config()
    rebuilt = layers.RNN.from_config(config)
    assert type(rebuilt.cell) is type(cell) and rebuilt.get_config() == config
    layer(X)
    rebuilt(X)
    rebuilt.set_weights(layer.get_weights())
    np.testing.assert_allclose(numpy_of(rebuilt(X)), numpy_of(layer(X)), atol=1e-6)


def test_bad_wrappers_are_refused():
    with pytest.raises(ValueError, match="merge_mode"):
        layers.Bidirectional(layers.LSTM(2), merge_mode="max")
    with pytest.raises(ValueError, match="recurrent layer"):
        layers.Bidirectional(layers.Dense(2))
    with pytest.raises(ValueError, match="different go_backwards"):
        layers.Bidirectional(layers.LSTM(2), backward_layer=layers.LSTM(2))
    with pytest.raises(ValueError, match="Layer"):
        layers.TimeDistributed("dense")
