"""What happens around the layers during training, against Keras 3: loss reductions with sample
weights and masks, dropout and recurrent dropout scaling, and fit's shuffling (a fresh full
permutation every epoch)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

import oneiros

SIGNIFICANCE = 1e-4


@pytest.mark.parametrize("reduction", ["sum_over_batch_size", "sum", None])
@pytest.mark.parametrize("name", ["BinaryCrossentropy", "MeanSquaredError", "SparseCategoricalCrossentropy"])
def test_loss_reductions_with_sample_weights_equal_keras(keras, name, reduction):
    """Per-sample weights of per-sample losses, per-step weights of per-step losses."""
    rng = np.random.default_rng(0)
    for shape in ((6,), (6, 4)):
        if name == "SparseCategoricalCrossentropy":
            targets, predictions = rng.integers(0, 3, shape), rng.dirichlet(np.ones(3), shape).astype(np.float32)
        else:
            targets, predictions = rng.integers(0, 2, (*shape, 1)).astype(np.float32), rng.random((*shape, 1), np.float32)
        weights = rng.random(shape).astype(np.float32)
        theirs = getattr(keras.losses, name)(reduction=reduction)(targets, predictions, sample_weight=weights)
        ours = getattr(oneiros.losses, name)(reduction=reduction)(targets, predictions, sample_weight=weights)
        np.testing.assert_allclose(np.asarray(ours), np.asarray(theirs), rtol=1e-5, atol=1e-7)


def sequence_tagger(namespace):
    return namespace.Sequential([
        namespace.Input((6,), dtype="int32"),
        namespace.layers.Embedding(20, 4, mask_zero=True),
        namespace.layers.LSTM(3, return_sequences=True),
        namespace.layers.Dense(1, activation="sigmoid"),
    ])


def test_a_masked_sequence_loss_with_sample_weights_equals_keras(keras):
    """Padded steps leave the loss (the sum over the unpadded steps, divided by their number),
    per-step weights scale it, as Keras computes them."""
    rng = np.random.default_rng(1)
    lengths = rng.integers(1, 7, 8)
    tokens = np.where(np.arange(6) < lengths[:, None], rng.integers(1, 20, (8, 6)), 0).astype(np.int32)
    targets = rng.integers(0, 2, (8, 6, 1)).astype(np.float32)
    weights = rng.random((8, 6)).astype(np.float32)
    theirs = sequence_tagger(keras)
    theirs.compile(loss="binary_crossentropy")
    ours = sequence_tagger(oneiros)
    ours.compile(loss="binary_crossentropy")
    ours.set_weights(theirs.get_weights())
    for sample_weight in (None, weights):
        expected = theirs.evaluate(tokens, targets, sample_weight=sample_weight, batch_size=8, verbose=0)
        got = ours.evaluate(tokens, targets, sample_weight=sample_weight, batch_size=8, verbose=0)
        assert got == pytest.approx(expected, rel=1e-5)


def test_dropout_drops_and_scales_like_keras(keras):
    ones = np.ones((200, 100), np.float32)
    theirs = np.asarray(keras.layers.Dropout(0.3, seed=1)(ones, training=True))
    ours = np.asarray(oneiros.layers.Dropout(0.3, seed=2)(ones, training=True))
    assert set(np.unique(ours)) == set(np.unique(theirs)) == {0.0, np.float32(1 / 0.7)}
    dropped = [int(np.sum(values == 0)) for values in (ours, theirs)]
    # Two binomial(20000, 0.3) counts: their difference has a standard deviation of ~92.
    assert abs(dropped[0] - dropped[1]) < 5 * np.sqrt(2 * ones.size * 0.3 * 0.7)


RECURRENT_LAYERS = {  # layer, its arguments, one input sequence's shape
    "LSTM": ("LSTM", {"units": 6}, (5, 4)),
    "GRU": ("GRU", {"units": 6}, (5, 4)),
    "GRU reset_after=False": ("GRU", {"units": 6, "reset_after": False}, (5, 4)),
    "ConvLSTM1D": ("ConvLSTM1D", {"filters": 2, "kernel_size": 3}, (5, 6, 2)),
}


@pytest.mark.parametrize(("layer_name", "dropout", "recurrent_dropout"), [
    ("LSTM", 0.3, 0.0),
    ("LSTM", 0.0, 0.4),
    ("LSTM", 0.3, 0.4),
    ("GRU", 0.3, 0.0),
    ("GRU", 0.3, 0.4),
    ("GRU reset_after=False", 0.0, 0.4),
    ("ConvLSTM1D", 0.3, 0.4),
])
def test_recurrent_dropout_gives_keras_output_distribution(keras, layer_name, dropout, recurrent_dropout):
    """Same weights, the same sequence 3000 times: each unit's outputs under training-time
    dropout (masks fixed over the time steps, kept values scaled by 1 / (1 - rate); with
    recurrent dropout, or in ConvLSTM, one input and one recurrent mask per gate) are
    distributed as Keras's."""
    class_name, arguments, step_shape = RECURRENT_LAYERS[layer_name]

    def layer(namespace):
        recurrent = getattr(namespace.layers, class_name)(**arguments, dropout=dropout,
                                                          recurrent_dropout=recurrent_dropout, seed=3)
        recurrent.build((None, *step_shape))
        return recurrent

    theirs, ours = layer(keras), layer(oneiros)
    ours.set_weights(theirs.get_weights())
    sequence = np.random.default_rng(2).normal(size=(1, *step_shape)).astype(np.float32)
    batch = np.repeat(sequence, 3000, axis=0)
    expected = np.asarray(theirs(batch, training=True)).reshape(3000, -1)
    got = np.asarray(ours(batch, training=True)).reshape(3000, -1)
    np.testing.assert_allclose(np.asarray(ours(sequence)), np.asarray(theirs(sequence)), rtol=1e-5, atol=1e-6)
    for unit in range(got.shape[1]):
        result = stats.ks_2samp(got[:, unit], expected[:, unit])
        assert result.pvalue > SIGNIFICANCE, (unit, result)


def last_batches_per_epoch(namespace, epochs=30, samples=10, batch_size=4, learning_rate=0.1):
    """Which samples fit put in each epoch's last (short) batch, read off the weights: sample i
    alone moves weight i (one-hot inputs), by an amount inversely proportional to the size of
    the batch it was in."""
    namespace.utils.set_random_seed(0)
    model = namespace.Sequential([namespace.Input((samples,)),
                                  namespace.layers.Dense(1, use_bias=False, kernel_initializer="zeros")])
    model.compile(optimizer=namespace.optimizers.SGD(learning_rate), loss="mse")
    kernels = [np.zeros(samples)]
    record = namespace.callbacks.LambdaCallback(
        on_epoch_end=lambda epoch, logs: kernels.append(np.asarray(model.get_weights()[0])[:, 0].astype(np.float64)))
    model.fit(np.eye(samples, dtype=np.float32), np.ones((samples, 1), np.float32), batch_size=batch_size,
              epochs=epochs, verbose=0, callbacks=[record])
    batch_sizes = [2 * learning_rate * (1 - before) / (after - before) for before, after in zip(kernels, kernels[1:])]
    return [frozenset(np.flatnonzero(np.round(sizes) == samples % batch_size)) for sizes in batch_sizes], batch_sizes


@pytest.mark.parametrize("side", ["oneiros", "keras"])
def test_fit_shuffles_a_full_permutation_every_epoch(keras, side):
    namespace = oneiros if side == "oneiros" else keras
    last_batches, batch_sizes = last_batches_per_epoch(namespace)
    for sizes in batch_sizes:  # every sample once per epoch, in a batch of 4 or the last one of 2
        np.testing.assert_allclose(np.sort(sizes), [2] * 2 + [4] * 8, rtol=1e-3)
    assert len(set(last_batches)) > 10, "the last batch should change from epoch to epoch"
    assert set().union(*last_batches) == set(range(10)), "every sample should sometimes end an epoch"
