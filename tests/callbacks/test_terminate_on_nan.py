"""TerminateOnNaN on batch logs holding 0-d tensors (numpy and jax)."""

from __future__ import annotations

import numpy as np
import pytest

from oneiros.callbacks import CallbackList, TerminateOnNaN


def run_batches(callback, model, losses):
    callback.set_model(model)
    ran = []
    for batch, loss in enumerate(losses):
        callback.on_train_batch_end(batch, {"loss": loss})
        ran.append(batch)
        if model.stop_training:
            break
    return ran


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_stops_at_the_first_bad_batch(fake_model, capsys, bad):
    model = fake_model()
    losses = [np.asarray(v, np.float32) for v in (0.5, 0.4, bad, 0.3)]
    assert run_batches(TerminateOnNaN(), model, losses) == [0, 1, 2]
    assert model.stop_training is True
    assert capsys.readouterr().out == "Batch 2: Invalid loss, terminating training\n"


def test_reads_jax_tensors(fake_model):
    import jax.numpy as jnp

    model = fake_model()
    assert run_batches(TerminateOnNaN(), model, [jnp.asarray(1.0), jnp.asarray(jnp.nan)]) == [0, 1]
    assert model.stop_training is True


def test_finite_losses_and_missing_loss_do_nothing(fake_model, capsys):
    model = fake_model()
    callback = TerminateOnNaN()
    finite = [np.asarray(v, np.float32) for v in (1e30, -3.0, 0.0)]
    assert run_batches(callback, model, finite) == [0, 1, 2]
    callback.on_train_batch_end(3, {"accuracy": np.asarray(np.nan)})
    callback.on_train_batch_end(4, None)
    assert model.stop_training is False
    assert capsys.readouterr().out == ""


def test_raise_error(fake_model):
    model = fake_model()
    with pytest.raises(RuntimeError, match="NaN or Inf loss encountered at batch 1"):
        run_batches(TerminateOnNaN(raise_error=True), model, [np.asarray(0.1), np.asarray(np.nan)])
    assert model.stop_training is False
    with pytest.raises(TypeError, match="raise_error=1"):
        TerminateOnNaN(raise_error=1)


def test_it_is_dispatched_per_train_batch_only(fake_model):
    callbacks = CallbackList([TerminateOnNaN()], fake_model(), {})
    assert callbacks.wants("on_train_batch_end") and callbacks.needs_weights_per_batch()
    assert not callbacks.wants("on_test_batch_end") and not callbacks.wants("on_epoch_end")
