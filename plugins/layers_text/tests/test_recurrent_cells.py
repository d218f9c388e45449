"""SimpleRNN, LSTM and GRU (and their cells) against hand-written numpy step loops with the
same weights, in Keras 3's gate order and weight layout."""

from __future__ import annotations

import numpy as np
import pytest

import oneiros as oi
from oneiros import layers, ops

RNG = np.random.default_rng(42)
X = RNG.normal(size=(3, 5, 4)).astype("float32")
UNITS = 6


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def numpy_of(value):
    return np.asarray(ops.to_numpy(value))


def time_order(steps, go_backwards):
    return list(reversed(range(steps))) if go_backwards else list(range(steps))


def lstm_loop(x, kernel, recurrent, bias, h, c, go_backwards=False):
    u = recurrent.shape[0]
    outputs = []
    for t in time_order(x.shape[1], go_backwards):
        z = x[:, t] @ kernel + h @ recurrent + bias
        i, f, g, o = sigmoid(z[:, :u]), sigmoid(z[:, u:2 * u]), np.tanh(z[:, 2 * u:3 * u]), sigmoid(z[:, 3 * u:])
        c = f * c + i * g
        h = o * np.tanh(c)
        outputs.append(h)
    return np.stack(outputs, 1), h, c


def gru_loop(x, kernel, recurrent, bias, h, reset_after, go_backwards=False):
    u = recurrent.shape[0]
    outputs = []
    for t in time_order(x.shape[1], go_backwards):
        input_bias, recurrent_bias = (bias[0], bias[1]) if reset_after else (bias, np.zeros(3 * u))
        xz = x[:, t] @ kernel + input_bias
        z = sigmoid(xz[:, :u] + h @ recurrent[:, :u] + recurrent_bias[:u])
        r = sigmoid(xz[:, u:2 * u] + h @ recurrent[:, u:2 * u] + recurrent_bias[u:2 * u])
        if reset_after:
            candidate = np.tanh(xz[:, 2 * u:] + r * (h @ recurrent[:, 2 * u:] + recurrent_bias[2 * u:]))
        else:
            candidate = np.tanh(xz[:, 2 * u:] + (r * h) @ recurrent[:, 2 * u:])
        h = z * h + (1 - z) * candidate
        outputs.append(h)
    return np.stack(outputs, 1), h


def simple_loop(x, kernel, recurrent, bias, h, go_backwards=False):
    outputs = []
    for t in time_order(x.shape[1], go_backwards):
        h = np.tanh(x[:, t] @ kernel + h @ recurrent + bias)
        outputs.append(h)
    return np.stack(outputs, 1), h


def random_weights(layer):
    weights = [RNG.normal(scale=0.5, size=w.shape).astype("float32") for w in layer.get_weights()]
    layer.set_weights(weights)
    return weights


@pytest.mark.parametrize("go_backwards", [False, True])
def test_lstm_matches_the_numpy_loop(backend, go_backwards):
    layer = layers.LSTM(UNITS, return_sequences=True, return_state=True, go_backwards=go_backwards)
    layer(X)
    kernel, recurrent, bias = random_weights(layer)
    h0 = RNG.normal(size=(3, UNITS)).astype("float32")
    c0 = RNG.normal(size=(3, UNITS)).astype("float32")
    sequence, h, c = layer(X, initial_state=[h0, c0])
    expected_sequence, expected_h, expected_c = lstm_loop(X, kernel, recurrent, bias, h0, c0, go_backwards)
    np.testing.assert_allclose(numpy_of(sequence), expected_sequence, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(numpy_of(h), expected_h, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(numpy_of(c), expected_c, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("reset_after", [True, False])
def test_gru_matches_the_numpy_loop(backend, reset_after):
    layer = layers.GRU(UNITS, reset_after=reset_after, return_sequences=True, go_backwards=True)
    layer(X)
    kernel, recurrent, bias = random_weights(layer)
    assert bias.shape == ((2, 3 * UNITS) if reset_after else (3 * UNITS,))
    expected, _ = gru_loop(X, kernel, recurrent, bias, np.zeros((3, UNITS)), reset_after, go_backwards=True)
    np.testing.assert_allclose(numpy_of(layer(X)), expected, rtol=1e-5, atol=1e-5)


def test_simple_rnn_matches_the_numpy_loop(backend):
    layer = layers.SimpleRNN(UNITS)
    layer(X)
    kernel, recurrent, bias = random_weights(layer)
    _, expected = simple_loop(X, kernel, recurrent, bias, np.zeros((3, UNITS)))
    np.testing.assert_allclose(numpy_of(layer(X)), expected, rtol=1e-5, atol=1e-5)


def test_cells_compute_one_step(backend):
    x_t = X[:, 0]
    h = RNG.normal(size=(3, UNITS)).astype("float32")
    c = RNG.normal(size=(3, UNITS)).astype("float32")
    lstm = layers.LSTMCell(UNITS)
    lstm(x_t)
    kernel, recurrent, bias = random_weights(lstm)
    output, (new_h, new_c) = lstm(x_t, [h, c])
    _, expected_h, expected_c = lstm_loop(x_t[:, None], kernel, recurrent, bias, h, c)
    np.testing.assert_allclose(numpy_of(output), expected_h, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(numpy_of(new_c), expected_c, rtol=1e-5, atol=1e-5)
    gru = layers.GRUCell(UNITS)
    gru(x_t)
    kernel, recurrent, bias = random_weights(gru)
    output, states = gru(x_t, [h])
    _, expected = gru_loop(x_t[:, None], kernel, recurrent, bias, h, reset_after=True)
    np.testing.assert_allclose(numpy_of(output), expected, rtol=1e-5, atol=1e-5)
    assert len(states) == 1


def test_weights_have_keras_names_shapes_and_initial_forget_bias():
    model = oi.Sequential([layers.Input((5, 4)), layers.LSTM(UNITS, name="lstm"), layers.Dense(1)])
    model._assign_variable_paths()
    lstm = model.get_layer("lstm")
    assert [(w.path, w.shape) for w in lstm.weights] == [
        ("lstm/lstm_cell/kernel", (4, 4 * UNITS)), ("lstm/lstm_cell/recurrent_kernel", (UNITS, 4 * UNITS)),
        ("lstm/lstm_cell/bias", (4 * UNITS,))]
    expected_bias = np.concatenate([np.zeros(UNITS), np.ones(UNITS), np.zeros(2 * UNITS)])
    np.testing.assert_array_equal(lstm.weights[2].numpy(), expected_bias)
    recurrent = lstm.weights[1].numpy()
    assert not np.allclose(recurrent, 0)
    gru = layers.GRU(UNITS)
    gru(X)
    assert [w.shape for w in gru.weights] == [(4, 3 * UNITS), (UNITS, 3 * UNITS), (2, 3 * UNITS)]


class RunningSumCell(layers.Layer):
    """A user cell in Keras's protocol: state_size and call(inputs, states) -> (output, states)."""

    state_size = 2

    def build(self, input_shape):
        self.kernel = self.add_weight(shape=(input_shape[-1], 2), initializer="ones", name="kernel")

    def call(self, inputs, states):
        total = ops.add(states[0], ops.matmul(inputs, self.kernel.value))
        return ops.multiply(total, 2.0), [total]


def test_rnn_runs_a_user_cell(backend):
    layer = layers.RNN(RunningSumCell(), return_sequences=True)
    expected = 2.0 * np.cumsum(X.sum(-1, keepdims=True) * np.ones((1, 1, 2)), axis=1)
    np.testing.assert_allclose(numpy_of(layer(X)), expected, rtol=1e-5)


def test_dropout_uses_one_input_mask_for_every_step(backend):
    layer = layers.SimpleRNN(4, activation="linear", dropout=0.5, return_sequences=True, seed=3,
                             kernel_initializer="identity", recurrent_initializer="zeros")
    x = np.ones((8, 6, 4), "float32")
    outputs = numpy_of(layer(x, training=True))
    mask = outputs[:, 0]
    assert set(np.unique(mask)) <= {0.0, 2.0} and 0 < (mask == 0).mean() < 1
    np.testing.assert_allclose(outputs, np.repeat(mask[:, None], 6, axis=1))
    np.testing.assert_allclose(numpy_of(layer(x)), x)


def test_recurrent_dropout_uses_one_state_mask_for_every_step(backend):
    layer = layers.SimpleRNN(4, activation="linear", recurrent_dropout=0.5, return_sequences=True, seed=5,
                             kernel_initializer="identity", recurrent_initializer="identity")
    x = np.zeros((8, 4, 4), "float32")
    x[:, 0] = 1.0
    outputs = numpy_of(layer(x, training=True))
    mask = outputs[:, 1]
    assert set(np.unique(mask)) <= {0.0, 2.0}
    np.testing.assert_allclose(outputs, np.stack([mask ** t for t in range(4)], axis=1))


def test_stateful_is_refused_with_an_explanation():
    with pytest.raises(ValueError, match="stateful.*initial_state"):
        layers.LSTM(4, stateful=True)
    with pytest.raises(ValueError, match="units"):
        layers.GRU(0)
    with pytest.raises(ValueError, match="dropout"):
        layers.LSTM(4, dropout=1.0)
    with pytest.raises(ValueError, match="2 states"):
        layers.LSTM(4)(X, initial_state=[np.zeros((3, 4), "float32")])


def numpy_masks(cell):
    """The masks ``cell`` draws for one sequence of X in training (each a list, one per gate)."""
    input_masks, recurrent_masks = cell.dropout_masks(X.shape[0], X.shape[-1], training=True)
    return [numpy_of(mask) for mask in input_masks], [numpy_of(mask) for mask in recurrent_masks]


def per_gate_projection(value, masks, kernel):
    return np.concatenate([(value * mask) @ gate_kernel
                           for mask, gate_kernel in zip(masks, np.split(kernel, len(masks), axis=-1))], axis=-1)


@pytest.mark.parametrize(("name", "gates"), [("LSTM", 4), ("GRU", 3)])
def test_recurrent_dropout_draws_one_input_and_one_recurrent_mask_per_gate(backend, name, gates):
    """As Keras's implementation 1: gate g projects inputs * input_masks[g] and h * recurrent_masks[g]
    with its kernel slices. A twin layer with the same seed draws the same masks."""
    layer, twin = (getattr(layers, name)(UNITS, dropout=0.3, recurrent_dropout=0.4, seed=7, return_sequences=True,
                                         **({"reset_after": False} if name == "GRU" else {})) for _ in range(2))
    layer(X)
    twin(X)
    weights = random_weights(layer)
    input_masks, recurrent_masks = numpy_masks(twin.cell)
    assert len(input_masks) == len(recurrent_masks) == gates
    assert not np.array_equal(recurrent_masks[0], recurrent_masks[1])
    kernel, recurrent, bias = weights
    u, h, c, expected = UNITS, np.zeros((3, UNITS)), np.zeros((3, UNITS)), []
    for t in range(X.shape[1]):
        x_t = per_gate_projection(X[:, t], input_masks, kernel) + bias
        if name == "LSTM":
            z = x_t + per_gate_projection(h, recurrent_masks, recurrent)
            i, f, g, o = sigmoid(z[:, :u]), sigmoid(z[:, u:2 * u]), np.tanh(z[:, 2 * u:3 * u]), sigmoid(z[:, 3 * u:])
            c = f * c + i * g
            h = o * np.tanh(c)
        else:
            inner = per_gate_projection(h, recurrent_masks[:2], recurrent[:, :2 * u])
            update, reset = sigmoid(x_t[:, :u] + inner[:, :u]), sigmoid(x_t[:, u:2 * u] + inner[:, u:])
            candidate = np.tanh(x_t[:, 2 * u:] + (reset * h * recurrent_masks[2]) @ recurrent[:, 2 * u:])
            h = update * h + (1 - update) * candidate
        expected.append(h)
    np.testing.assert_allclose(numpy_of(layer(X, training=True)), np.stack(expected, 1), rtol=1e-4, atol=1e-5)
