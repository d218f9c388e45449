"""PyDataset / Sequence: Keras-style subclasses (with or without super().__init__, with __len__ or
num_batches) feed fit and predict in order, with the epoch hooks called once per epoch."""

from __future__ import annotations

import math

import numpy as np
import pytest

import oneiros as oi
from oneiros import layers, utils

X = np.arange(20, dtype="float32").reshape(10, 2)
Y = X.sum(axis=1, keepdims=True)


class Batches(utils.PyDataset):
    def __init__(self, x, y, batch_size, **kwargs):
        super().__init__(**kwargs)
        self.x, self.y, self.batch_size = x, y, batch_size
        self.events = []

    def __len__(self):
        return math.ceil(len(self.x) / self.batch_size)

    def __getitem__(self, index):
        rows = slice(index * self.batch_size, (index + 1) * self.batch_size)
        return self.x[rows], self.y[rows]

    def on_epoch_begin(self):
        self.events.append("begin")

    def on_epoch_end(self):
        self.events.append("end")


class CountedBatches(utils.Sequence):
    """Keras 3 style: num_batches instead of __len__, and no super().__init__()."""

    def __init__(self, x):
        self.x = x

    @property
    def num_batches(self):
        return 2

    def __getitem__(self, index):
        return self.x[index * 5:(index + 1) * 5]


@pytest.fixture(scope="module")
def model():
    model = oi.Sequential([layers.Input((2,)), layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    return model


def test_a_keras_style_subclass_feeds_fit_in_order_with_epoch_hooks(model):
    dataset = Batches(X, Y, 4, workers=2, use_multiprocessing=True, max_queue_size=3)
    assert (dataset.workers, dataset.use_multiprocessing, dataset.max_queue_size, len(dataset)) == (2, True, 3, 3)
    assert dataset.num_batches == 3
    history = model.fit(dataset, epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2 and dataset.events == ["begin", "end", "begin", "end"]
    batches = list(Batches(X, Y, 4).iterate())
    np.testing.assert_array_equal(np.concatenate([x for x, _ in batches]), X)


def test_a_subclass_without_super_init_and_with_num_batches_predicts(model):
    dataset = CountedBatches(X)
    assert (dataset.workers, dataset.use_multiprocessing, len(dataset)) == (1, False, 2)
    np.testing.assert_allclose(model.predict(dataset, verbose=0), model.predict(X, verbose=0), rtol=1e-6)


def test_a_subclass_without_a_length_is_named():
    class Endless(utils.PyDataset):
        def __getitem__(self, index):
            return X

    with pytest.raises(NotImplementedError, match="Endless must implement __len__ or the num_batches property"):
        len(Endless())
