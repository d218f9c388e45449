"""LambdaCallback: calls exactly the functions it is given, and CallbackList dispatches only those."""

from __future__ import annotations

import pytest

from oneiros.callbacks import Callback, CallbackList, History, LambdaCallback
from oneiros.callbacks._base import BATCH_HOOKS, EPOCH_AND_RUN_HOOKS

ALL_HOOKS = BATCH_HOOKS + EPOCH_AND_RUN_HOOKS


def simulate_fit(callbacks):
    """Calls every hook the way fit does: 2 epochs of 3 train batches, a validation pass each."""
    callbacks.call("on_train_begin", None)
    for epoch in range(2):
        callbacks.call("on_epoch_begin", epoch, None)
        for batch in range(3):
            callbacks.call("on_train_batch_begin", batch, None)
            callbacks.call("on_train_batch_end", batch, {"loss": 1.0})
        callbacks.call("on_test_begin", None)
        callbacks.call("on_test_batch_begin", 0, None)
        callbacks.call("on_test_batch_end", 0, {"loss": 2.0})
        callbacks.call("on_test_end", {"loss": 2.0})
        callbacks.call("on_epoch_end", epoch, {"loss": 1.0, "val_loss": 2.0})
    callbacks.call("on_train_end", {"loss": 1.0})


def test_only_on_epoch_end_is_not_called_per_batch(fake_model):
    calls = []
    callback = LambdaCallback(on_epoch_end=lambda epoch, logs: calls.append((epoch, logs["loss"])))
    callbacks = CallbackList([callback], fake_model(), {})
    assert [hook for hook in ALL_HOOKS if callbacks.wants(hook)] == ["on_epoch_end"]
    assert not callbacks.needs_weights_per_batch()
    simulate_fit(callbacks)
    assert calls == [(0, 1.0), (1, 1.0)]


def test_each_given_hook_gets_its_arguments(fake_model):
    calls = []

    def recorder(name):
        return lambda *args: calls.append((name, *args))

    callback = LambdaCallback(on_train_begin=recorder("train_begin"),
                              on_train_batch_end=recorder("batch_end"),
                              on_test_end=recorder("test_end"),
                              on_train_end=recorder("train_end"))
    callbacks = CallbackList([callback], fake_model(), {})
    assert {hook for hook in ALL_HOOKS if callbacks.wants(hook)} == {
        "on_train_begin", "on_train_batch_end", "on_test_end", "on_train_end"}
    assert callbacks.needs_weights_per_batch()
    simulate_fit(callbacks)
    batch_ends = [("batch_end", b, {"loss": 1.0}) for b in range(3)]
    assert calls == [("train_begin", {}), *batch_ends, ("test_end", {"loss": 2.0}), *batch_ends,
                     ("test_end", {"loss": 2.0}), ("train_end", {"loss": 1.0})]


def test_keras_batch_aliases(fake_model):
    calls = []
    callback = LambdaCallback(on_batch_begin=lambda batch, logs: calls.append(("begin", batch)),
                              on_batch_end=lambda batch, logs: calls.append(("end", batch)))
    callbacks = CallbackList([callback], fake_model(), {})
    assert {hook for hook in ALL_HOOKS if callbacks.wants(hook)} == {
        "on_train_batch_begin", "on_train_batch_end"}
    callbacks.call("on_train_batch_begin", 4, None)
    callbacks.call("on_train_batch_end", 4, None)
    assert calls == [("begin", 4), ("end", 4)]


def test_instances_do_not_share_hooks(fake_model):
    first = LambdaCallback(on_epoch_end=lambda epoch, logs: None)
    second = LambdaCallback(on_train_begin=lambda logs: None)
    callbacks = CallbackList([first, second], fake_model(), {})
    assert callbacks._by_hook["on_epoch_end"] == [first]
    assert callbacks._by_hook["on_train_begin"] == [second]
    assert not CallbackList([LambdaCallback()], fake_model(), {}).wants("on_epoch_end")


def test_subclass_dispatch_is_unchanged(fake_model):
    class EpochOnly(Callback):
        def on_epoch_end(self, epoch, logs=None):
            pass

    callbacks = CallbackList([EpochOnly(), History()], fake_model(), {})
    assert [hook for hook in ALL_HOOKS if callbacks.wants(hook)] == ["on_train_begin",
                                                                     "on_epoch_end"]


@pytest.mark.parametrize("kwargs, match", [
    ({"on_epoch_ending": print}, "unknown hook 'on_epoch_ending'"),
    ({"on_epoch_end": 3}, "`on_epoch_end` must be a function"),
    ({"on_test_end": "print"}, "`on_test_end` must be a function"),
    ({"on_batch_end": print, "on_train_batch_end": print}, "two functions for 'on_train_batch_end'"),
])
def test_bad_arguments(kwargs, match):
    with pytest.raises(TypeError, match=match):
        LambdaCallback(**kwargs)


def test_none_means_not_given(fake_model):
    callbacks = CallbackList([LambdaCallback(on_epoch_end=None, on_test_end=None)], fake_model(), {})
    assert not any(callbacks.wants(hook) for hook in ALL_HOOKS)
