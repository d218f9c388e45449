"""``Dataset.take(count)``, tf.data's ``take`` on the datasets oi.utils returns where Keras returns
tf.data ones: keras-io programs look at a batch with ``for x, y in dataset.take(1)``. Keras's own
timeseries dataset (tf.data, where TensorFlow is installed) is the oracle, and plain slicing."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest

import oneiros as oi

SERIES = np.arange(60, dtype="float32").reshape(30, 2)
TARGETS = np.arange(30, dtype="float32") * 10
WINDOWS = {"sequence_length": 4, "sampling_rate": 2, "batch_size": 4}


def batches(dataset):
    return [tuple(np.asarray(part) for part in batch) for batch in dataset]


@pytest.mark.parametrize("count", [0, 1, 3, 50, -1])
def test_take_gives_the_first_batches_like_tf_data(count):
    dataset = oi.utils.timeseries_dataset_from_array(SERIES, TARGETS, **WINDOWS)
    everything = [dataset[index] for index in range(len(dataset))]
    expected = everything if count == -1 else everything[:count]
    if importlib.util.find_spec("tensorflow"):
        import keras

        expected = batches(keras.utils.timeseries_dataset_from_array(SERIES, TARGETS, **WINDOWS).take(count))
    taken = dataset.take(count)
    assert len(taken) == len(expected)
    for (want_x, want_y), (got_x, got_y) in zip(expected, batches(taken), strict=True):
        np.testing.assert_array_equal(got_x, want_x)
        np.testing.assert_array_equal(got_y, want_y)


def test_a_taken_dataset_trains_with_fit():
    model = oi.Sequential([oi.Input((4, 2)), oi.layers.Flatten(), oi.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    dataset = oi.utils.timeseries_dataset_from_array(SERIES / 60, TARGETS / 300, **WINDOWS)
    history = model.fit(dataset.take(2), epochs=1, verbose=0)
    assert len(history.history["loss"]) == 1


@pytest.mark.parametrize("count", [-2, 1.5, True, "1"])
def test_take_refuses_what_is_not_a_count(count):
    dataset = oi.utils.timeseries_dataset_from_array(SERIES, TARGETS, **WINDOWS)
    with pytest.raises(ValueError, match=rf"take expects a count of batches.*received {count!r}"):
        dataset.take(count)
