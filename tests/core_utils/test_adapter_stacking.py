"""Adapters group equal-sized batches for fused steps; callbacks say whether they read the model per batch."""

import numpy as np

import oneiros as oi
from oneiros.data import GeneratorAdapter


def test_a_generator_adapter_stacks_groups_of_equal_batches_and_leaves_the_rest_single():
    rng = np.random.default_rng(0)
    pairs = [(rng.normal(size=(4, 3)).astype("float32"), rng.integers(0, 2, size=(4,))) for _ in range(5)]
    groups = list(GeneratorAdapter(iter(pairs)).stacked_batches(0, 2))
    assert [count for _, count in groups] == [2, 2, 1]
    (x, y, weights), _ = groups[1]
    np.testing.assert_array_equal(x, np.stack([pairs[2][0], pairs[3][0]]))
    np.testing.assert_array_equal(y, np.stack([pairs[2][1], pairs[3][1]]))
    assert weights is None
    np.testing.assert_array_equal(groups[2][0][0], pairs[4][0])


class CountsBatches(oi.callbacks.Callback):
    reads_model_per_batch = False

    def on_train_batch_end(self, batch, logs=None):
        pass


class ReadsWeights(oi.callbacks.Callback):
    def on_train_batch_end(self, batch, logs=None):
        pass


def test_only_callbacks_that_read_the_model_per_batch_ask_for_it():
    from oneiros.callbacks import CallbackList

    def needs(*callbacks):
        return CallbackList(list(callbacks), model=None, params={}).needs_weights_per_batch()

    assert not needs(oi.callbacks.ProgbarLogger(verbose=2), CountsBatches())
    assert needs(oi.callbacks.ProgbarLogger(verbose=2), ReadsWeights())
    assert not needs(oi.callbacks.EarlyStopping())
