"""Masked recurrent layers against the unmasked computation on trimmed sequences."""

from __future__ import annotations

import numpy as np
import pytest

import oneiros as oi
from oneiros import layers, ops

RNG = np.random.default_rng(7)
LENGTHS = [5, 3, 1]
X = RNG.normal(size=(3, 5, 4)).astype("float32")
RIGHT_PADDED = np.arange(5)[None, :] < np.asarray(LENGTHS)[:, None]
LEFT_PADDED = RIGHT_PADDED[:, ::-1]


def numpy_of(value):
    return np.asarray(ops.to_numpy(value))


def twin(layer_class, **kwargs):
    """Two layers with the same weights: one for masked batches, one for trimmed samples."""
    first, second = layer_class(5, **kwargs), layer_class(5, **kwargs)
    first(X)
    second(X)
    second.set_weights(first.get_weights())
    return first, second


@pytest.mark.parametrize("layer_class", [layers.LSTM, layers.GRU, layers.SimpleRNN])
def test_right_padding_is_skipped(backend, layer_class):
    masked, plain = twin(layer_class, return_sequences=True, return_state=True)
    sequence, *states = masked(X, mask=RIGHT_PADDED)
    for sample, length in enumerate(LENGTHS):
        trimmed_sequence, *trimmed_states = plain(X[sample:sample + 1, :length])
        np.testing.assert_allclose(numpy_of(sequence)[sample, :length], numpy_of(trimmed_sequence)[0], atol=1e-5)
        repeated = np.repeat(numpy_of(trimmed_sequence)[0, -1:], 5 - length, axis=0)
        np.testing.assert_allclose(numpy_of(sequence)[sample, length:], repeated, atol=1e-5)
        for state, trimmed_state in zip(states, trimmed_states):
            np.testing.assert_allclose(numpy_of(state)[sample], numpy_of(trimmed_state)[0], atol=1e-5)


def test_left_padding_keeps_the_initial_state(backend):
    masked, plain = twin(layers.GRU)
    outputs = numpy_of(masked(X, mask=LEFT_PADDED))
    for sample, length in enumerate(LENGTHS):
        expected = numpy_of(plain(X[sample:sample + 1, 5 - length:]))[0]
        np.testing.assert_allclose(outputs[sample], expected, atol=1e-5)


def test_going_backwards_starts_at_the_last_unmasked_step(backend):
    masked, plain = twin(layers.LSTM, go_backwards=True, return_sequences=True)
    outputs = numpy_of(masked(X, mask=RIGHT_PADDED))
    for sample, length in enumerate(LENGTHS):
        expected = numpy_of(plain(X[sample:sample + 1, :length]))[0]
        np.testing.assert_allclose(outputs[sample, :5 - length], 0.0, atol=1e-6)
        np.testing.assert_allclose(outputs[sample, 5 - length:], expected, atol=1e-5)


def test_zero_output_for_mask_outputs_zeros_at_masked_steps(backend):
    masked, plain = twin(layers.SimpleRNN, return_sequences=True, zero_output_for_mask=True)
    outputs = numpy_of(masked(X, mask=RIGHT_PADDED))
    for sample, length in enumerate(LENGTHS):
        np.testing.assert_allclose(outputs[sample, :length], numpy_of(plain(X[sample:sample + 1, :length]))[0],
                                   atol=1e-5)
        np.testing.assert_array_equal(outputs[sample, length:], 0.0)


def test_bidirectional_with_a_mask_matches_both_directions_on_trimmed_samples(backend):
    layer = layers.Bidirectional(layers.GRU(3, return_sequences=True))
    outputs = numpy_of(layer(X, mask=RIGHT_PADDED))
    for sample, length in enumerate(LENGTHS):
        trimmed = X[sample:sample + 1, :length]
        forward = numpy_of(layer.forward_layer(trimmed))[0]
        backward = numpy_of(layer.backward_layer(trimmed))[0][::-1]
        np.testing.assert_allclose(outputs[sample, :length], np.concatenate([forward, backward], -1), atol=1e-5)
        np.testing.assert_array_equal(outputs[sample, length:], 0.0)


def test_embedding_masks_reach_the_recurrent_layer_in_models(backend):
    tokens = np.array([[4, 7, 2, 0, 0], [9, 0, 0, 0, 0], [1, 2, 3, 4, 5]], "int32")
    lengths = [3, 1, 5]
    model = oi.Sequential([layers.Input((None,), dtype="int32"), layers.Embedding(10, 4, mask_zero=True),
                           layers.LSTM(3, return_sequences=True), layers.GRU(2)])
    inputs = oi.Input((None,), dtype="int32")
    functional = oi.Model(inputs, model.layers[-1](model.layers[-2](model.layers[-3](inputs))))
    batched = numpy_of(model(tokens))
    np.testing.assert_allclose(numpy_of(functional(tokens)), batched, atol=1e-6)
    for sample, length in enumerate(lengths):
        np.testing.assert_allclose(batched[sample], numpy_of(model(tokens[sample:sample + 1, :length]))[0], atol=1e-5)


def test_output_masks_follow_return_sequences_and_return_state():
    mask = RIGHT_PADDED
    assert layers.LSTM(2, return_sequences=True).compute_mask(X, mask) is mask
    assert layers.LSTM(2).compute_mask(X, mask) is None
    assert layers.GRU(2, return_sequences=True, return_state=True).compute_mask(X, mask) == [mask, None]
    assert layers.Bidirectional(layers.LSTM(2, return_sequences=True), merge_mode=None).compute_mask(
        X, mask) == [mask, mask]
