"""fit/evaluate/predict take a tf.data.Dataset on the JAX backend: the same batches in the same
order train exactly the weights that numpy arrays train (unshuffled), and predict agrees."""

from __future__ import annotations

import numpy as np
import pytest

import oneiros as oi
from oneiros import layers
from oneiros.data.adapters import DataError


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(7)
    x = rng.normal(size=(200, 6)).astype(np.float32)
    y = (x @ rng.normal(size=(6,)) > 0).astype(np.int32)
    return x, y


def _model():
    oi.set_random_seed(4)
    model = oi.Sequential([layers.Input((6,)), layers.Dense(8, activation="relu"), layers.Dense(2, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def test_a_tf_data_pipeline_trains_on_jax_exactly_like_the_arrays(tf, data):
    x, y = data
    with oi.backend_scope("jax"):
        from_arrays = _model()
        array_history = from_arrays.fit(x, y, batch_size=32, epochs=3, shuffle=False, verbose=0)
        from_dataset = _model()
        dataset = tf.data.Dataset.from_tensor_slices((x, y)).batch(32).prefetch(2)
        dataset_history = from_dataset.fit(dataset, epochs=3, verbose=0)
        for ours, theirs in zip(from_dataset.get_weights(), from_arrays.get_weights()):
            np.testing.assert_allclose(ours, theirs, rtol=1e-6, atol=1e-7)
        np.testing.assert_allclose(dataset_history.history["loss"], array_history.history["loss"], rtol=1e-6)
        evaluated = from_dataset.evaluate(dataset, verbose=0)
        np.testing.assert_allclose(evaluated, from_arrays.evaluate(x, y, batch_size=32, verbose=0), rtol=1e-6)
        predicted = from_dataset.predict(tf.data.Dataset.from_tensor_slices(x).batch(50), verbose=0)
        np.testing.assert_allclose(predicted, from_arrays.predict(x, verbose=0), rtol=1e-6, atol=1e-7)


def test_a_shuffled_repeated_pipeline_with_steps_per_epoch_and_validation(tf, data):
    x, y = data
    with oi.backend_scope("jax"):
        model = _model()
        train = tf.data.Dataset.from_tensor_slices((x[:160], y[:160])).shuffle(160, seed=1).batch(16).repeat()
        validation = tf.data.Dataset.from_tensor_slices((x[160:], y[160:])).batch(20)
        history = model.fit(train, epochs=4, steps_per_epoch=10, validation_data=validation, verbose=0)
    assert len(history.history["loss"]) == 4 and len(history.history["val_loss"]) == 4
    assert history.history["loss"][-1] < history.history["loss"][0]


def test_a_dataset_refuses_separate_targets_before_training(tf, data):
    x, y = data
    with oi.backend_scope("jax"):
        model = _model()
        before = [w.copy() for w in model.get_weights()]
        with pytest.raises(DataError, match="yields its own targets"):
            model.fit(tf.data.Dataset.from_tensor_slices(x).batch(8), y, verbose=0)
        for after, initial in zip(model.get_weights(), before):
            np.testing.assert_array_equal(after, initial)
