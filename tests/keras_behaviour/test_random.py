"""oi.random (issue 16 item 9): Keras's signatures, distributions, seeds; unseeded noise in compiled
code draws new numbers per call; seeded noise is reproducible across fresh models."""

from __future__ import annotations

import inspect

import numpy as np
import pytest

import oneiros as oi
from oneiros import layers, ops

FUNCTIONS = ("normal", "uniform", "truncated_normal", "categorical", "randint", "dropout", "shuffle", "gamma",
             "binomial", "beta")


@pytest.mark.parametrize("name", FUNCTIONS)
def test_signatures_are_keras_signatures(keras, name):
    assert inspect.signature(getattr(oi.random, name)).parameters.keys() == \
        inspect.signature(getattr(keras.random, name)).parameters.keys()
    ours = {key: p.default for key, p in inspect.signature(getattr(oi.random, name)).parameters.items()}
    theirs = {key: p.default for key, p in inspect.signature(getattr(keras.random, name)).parameters.items()}
    assert ours == theirs


def test_int_seeds_repeat_seed_generators_advance_and_none_differs(backend):
    np.testing.assert_array_equal(np.asarray(oi.random.normal((4,), seed=3)), np.asarray(oi.random.normal((4,), seed=3)))
    generator = oi.random.SeedGenerator(7)
    first, second = (np.asarray(oi.random.uniform((4,), seed=generator)) for _ in range(2))
    assert not np.array_equal(first, second)
    again = oi.random.SeedGenerator(7)
    np.testing.assert_array_equal(np.asarray(oi.random.uniform((4,), seed=again)), first)
    assert not np.array_equal(np.asarray(oi.random.normal((4,))), np.asarray(oi.random.normal((4,))))


def test_set_random_seed_makes_unseeded_draws_reproducible(backend):
    oi.set_random_seed(11)
    first = np.asarray(oi.random.normal((5,)))
    oi.set_random_seed(11)
    np.testing.assert_array_equal(np.asarray(oi.random.normal((5,))), first)


SAMPLES = 40_000


@pytest.fixture
def numpy_backend():
    """The samplers are written once in ops; the numpy reference runs them without compiling."""
    with oi.backend_scope("numpy") as active:
        yield active


@pytest.mark.parametrize("alpha", [0.4, 1.0, 3.5])
def test_gamma_has_the_gamma_mean_and_variance(numpy_backend, alpha):
    draws = np.asarray(oi.random.gamma((SAMPLES,), alpha, seed=1), np.float64)
    # Gamma(alpha, 1): mean = variance = alpha; 5 standard errors of the sample mean and variance.
    assert draws.min() > 0
    assert abs(draws.mean() - alpha) < 5 * np.sqrt(alpha / SAMPLES)
    assert abs(draws.var() - alpha) < 5 * np.sqrt((6 * alpha**2 + 2 * alpha**2 * (alpha + 3) / alpha) / SAMPLES) + 0.02


def test_beta_and_binomial_have_their_means_and_variances(numpy_backend):
    a, b = 2.0, 5.0
    draws = np.asarray(oi.random.beta((SAMPLES,), a, b, seed=2), np.float64)
    mean, variance = a / (a + b), a * b / ((a + b) ** 2 * (a + b + 1))
    assert 0 < draws.min() and draws.max() < 1
    assert abs(draws.mean() - mean) < 5 * np.sqrt(variance / SAMPLES)
    counts = np.array([4.0, 10.0], np.float32)
    draws = np.asarray(oi.random.binomial((SAMPLES, 2), counts, 0.3, seed=3), np.float64)
    np.testing.assert_array_equal(draws, np.round(draws))
    assert draws.min() >= 0 and (draws <= counts).all()
    np.testing.assert_allclose(draws.mean(axis=0), counts * 0.3, atol=5 * np.sqrt(10 * 0.21 / SAMPLES))
    np.testing.assert_allclose(draws.var(axis=0), counts * 0.21, rtol=0.05)


def test_binomial_refuses_counts_that_are_not_whole(numpy_backend):
    with pytest.raises(ValueError, match=r"counts.*non-negative whole numbers; received 2\.5"):
        oi.random.binomial((3,), 2.5, 0.5)


def test_other_functions_keep_their_contracts(numpy_backend):
    ints = np.asarray(oi.random.randint((1000,), 2, 5, seed=1))
    assert set(np.unique(ints)) == {2, 3, 4}
    samples = np.asarray(oi.random.categorical(np.log(np.array([[0.0001, 0.9999]], np.float32)), 50, seed=1))
    assert samples.shape == (1, 50) and samples.mean() > 0.9
    shuffled = np.asarray(oi.random.shuffle(np.arange(10), seed=1))
    np.testing.assert_array_equal(np.sort(shuffled), np.arange(10))
    kept = np.asarray(oi.random.dropout(np.ones((1000,), np.float32), 0.25, seed=1))
    assert set(np.unique(kept)) <= {0.0, np.float32(1 / 0.75)}
    assert np.abs(np.asarray(oi.random.truncated_normal((1000,), stddev=2.0, seed=1))).max() <= 4.0


def test_seed_generator_rejects_bad_seeds_and_arguments():
    with pytest.raises(ValueError, match=r"`seed` must be None or an int.*received seed=-1"):
        oi.random.SeedGenerator(-1)
    with pytest.raises(TypeError, match=r"unexpected keyword arguments \['backend'\]"):
        oi.random.SeedGenerator(1, backend="jax")


class UnseededNoise(layers.Layer):
    """Adds N(0, 1) noise without a seed, as a Keras user would (Keras refuses this under jax.jit)."""

    def call(self, inputs):
        return inputs + oi.random.normal(ops.shape(inputs))


class SeededNoise(layers.Layer):
    def __init__(self, seed, **kwargs):
        super().__init__(**kwargs)
        self.seed_generator = oi.random.SeedGenerator(seed)

    def call(self, inputs):
        return inputs + oi.random.normal(ops.shape(inputs), seed=self.seed_generator)


def noise_model(noise_layer, steps_per_execution=1):
    """Output = noise + a zero-initialised Dense, so a zero learning rate leaves only the noise."""
    model = oi.Sequential([layers.Input((3,)), layers.Dense(3, kernel_initializer="zeros"), noise_layer])
    model.compile(optimizer=oi.optimizers.SGD(learning_rate=0.0), loss="mse",
                  steps_per_execution=steps_per_execution)
    return model


X = np.zeros((8, 3), np.float32)


@pytest.fixture(scope="module", params=["unseeded", "seeded"])
def noisy(request):
    """One compiled model per kind of noise, shared by the tests below."""
    return noise_model(UnseededNoise() if request.param == "unseeded" else SeededNoise(5))


def test_consecutive_predictions_draw_new_noise(noisy):
    model = noisy
    first = model.predict(X, verbose=0)
    second = model.predict(X, verbose=0)
    assert not np.allclose(first, second)
    assert not np.allclose(first[:4], first[4:])  # batches inside one call differ too
    batches = model.predict(X, batch_size=2, verbose=0)
    assert len({tuple(row) for row in batches.round(6)}) == len(batches)


def test_consecutive_training_steps_draw_new_noise(noisy):
    losses = [noisy.train_on_batch(X, X) for _ in range(2)]
    assert losses[0] != losses[1]  # with lr 0 the loss is the mean squared noise of the step
    history = noisy.fit(X, X, batch_size=8, epochs=2, verbose=0).history["loss"]
    assert history[0] != history[1]


def test_fused_steps_draw_new_noise_per_step():
    model = noise_model(UnseededNoise(), steps_per_execution=2)
    stacked = np.concatenate([X, X])
    history = model.fit(stacked, stacked, batch_size=8, epochs=2, shuffle=False, verbose=0).history["loss"]
    assert history[0] != history[1]
    one_step_losses = [model.test_on_batch(X, X) for _ in range(2)]
    assert one_step_losses[0] != one_step_losses[1]
    fused_predictions = [model.predict(X, batch_size=2, verbose=0) for _ in range(2)]  # 2 batches per call
    assert len({tuple(row) for row in fused_predictions[0].round(6)}) == len(X)
    assert not np.allclose(*fused_predictions)


def test_evaluation_draws_new_noise_per_call(noisy):
    assert noisy.evaluate(X, X, verbose=0) != noisy.evaluate(X, X, verbose=0)


def test_a_seeded_model_is_reproducible_across_fresh_models():
    def run():
        oi.set_random_seed(3)
        model = noise_model(SeededNoise(21))
        predictions = model.predict(X, verbose=0)
        return predictions, model.predict(X, verbose=0), model.train_on_batch(X, X)

    first, second = run(), run()
    for a, b in zip(first, second):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(first[0], first[1])


def test_unseeded_models_are_reproducible_after_set_random_seed():
    def run():
        oi.set_random_seed(4)
        return noise_model(UnseededNoise()).predict(X, verbose=0)

    np.testing.assert_array_equal(run(), run())


def test_ops_random_functions_without_a_seed_also_draw_new_numbers_in_compiled_code():
    class OpsNoise(layers.Layer):
        def call(self, inputs):
            return inputs + ops.uniform(ops.shape(inputs))

    model = noise_model(OpsNoise())
    assert not np.allclose(model.predict(X, verbose=0), model.predict(X, verbose=0))
