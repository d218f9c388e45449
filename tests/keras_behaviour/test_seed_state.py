"""Random-generator state (issue 16 item 10): a variable, not a weight, as in Keras; saved in
.oneiros files so that training resumes with exactly the same draws."""

from __future__ import annotations

import numpy as np

import oneiros as oi
from oneiros import layers

X = np.random.default_rng(0).normal(size=(16, 4)).astype("float32")
Y = X[:, :2] * 2.0


def mlp(dropout, framework=oi):
    stack = [framework.layers.Input((4,)), framework.layers.Dense(8, activation="relu")]
    if dropout:
        stack.append(framework.layers.Dropout(0.5, seed=1))
    return framework.Sequential([*stack, framework.layers.Dense(2)])


def test_weights_match_keras_with_and_without_dropout(keras):
    for dropout in (False, True):
        ours, theirs = mlp(dropout), mlp(dropout, keras)
        assert [w.shape for w in ours.get_weights()] == [w.shape for w in theirs.get_weights()]
        assert len(ours.weights) == len(theirs.weights) == 4
        assert len(ours.non_trainable_weights) == len(theirs.non_trainable_weights) == 0
        assert len(ours.non_trainable_variables) == len(theirs.non_trainable_variables) == int(dropout)
        assert ours.count_params() == theirs.count_params()


def test_set_weights_between_models_differing_only_by_a_dropout():
    with_dropout, without = mlp(True), mlp(False)
    without.set_weights(with_dropout.get_weights())
    with_dropout.set_weights(without.get_weights())
    for a, b in zip(with_dropout.get_weights(), without.get_weights()):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_allclose(with_dropout.predict(X, verbose=0), without.predict(X, verbose=0), rtol=1e-6)


def test_a_saved_model_resumes_with_the_same_random_draws(tmp_path):
    model = mlp(True)
    model.compile(optimizer="adam", loss="mse", steps_per_execution=1)
    model.fit(X, Y, batch_size=8, epochs=1, shuffle=False, verbose=0)
    model.save(tmp_path / "m.oneiros")
    restored = oi.load_model(tmp_path / "m.oneiros")
    state = model.layers[1].seed_generator.state
    np.testing.assert_array_equal(restored.layers[1].seed_generator.state.numpy(), state.numpy())
    continued = model.fit(X, Y, batch_size=8, epochs=1, shuffle=False, verbose=0).history["loss"]
    resumed = restored.fit(X, Y, batch_size=8, epochs=1, shuffle=False, verbose=0).history["loss"]
    np.testing.assert_allclose(resumed, continued, rtol=1e-6)
    for a, b in zip(model.get_weights(), restored.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-7)


def test_two_seed_generators_in_one_layer_are_saved_apart():
    class TwoStreams(layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.first = oi.random.SeedGenerator(1)
            self.second = oi.random.SeedGenerator(2)

    layer = TwoStreams()
    assert [v.name for v in layer.variables] == ["seed_generator_state", "seed_generator_state_1"]
    assert layer.weights == []
