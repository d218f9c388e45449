"""The STFT initializer and the snake_case initializer/constraint names, against Keras 3 itself."""

from __future__ import annotations

import os

import numpy as np
import pytest

os.environ.setdefault("KERAS_BACKEND", "jax")
import keras  # noqa: E402

import oneiros as oi  # noqa: E402


@pytest.mark.parametrize("side", ["real", "imag"])
@pytest.mark.parametrize("window,scaling,periodic", [
    ("hann", "density", False), ("hamming", "spectrum", True), (None, None, False),
    (np.linspace(0.5, 1.0, 16), "density", False)])
def test_stft_matches_keras(side, window, scaling, periodic):
    ours = oi.initializers.STFT(side, window, scaling, periodic)((16, 1, 9))
    theirs = keras.initializers.STFT(side, window, scaling, periodic)((16, 1, 9))
    # Keras forms the angles in float32 (errors near 2e-6 at 16 taps); Oneiros in float64.
    np.testing.assert_allclose(np.asarray(ours), keras.ops.convert_to_numpy(theirs), atol=1e-5)


def test_stft_round_trips_its_config_and_resolves_by_keras_names():
    initializer = oi.initializers.get("stft")
    assert isinstance(initializer, oi.initializers.STFTInitializer)
    rebuilt = oi.initializers.deserialize(oi.initializers.serialize(
        oi.initializers.STFT("imag", "hamming", "spectrum", True)))
    assert rebuilt.get_config() == keras.initializers.STFT("imag", "hamming", "spectrum", True).get_config()


@pytest.mark.parametrize("arguments,message", [
    ({"side": "complex"}, "side='complex'"), ({"scaling": "l2"}, "scaling='l2'")])
def test_stft_refuses_bad_arguments_naming_them(arguments, message):
    with pytest.raises(ValueError, match=message):
        oi.initializers.STFT(**arguments)


def test_stft_refuses_a_window_of_the_wrong_length():
    with pytest.raises(ValueError, match=r"window of shape \(16,\).*received shape \(3,\)"):
        oi.initializers.STFT(window=[1.0, 1.0, 1.0])((16, 1, 9))


@pytest.mark.parametrize("namespace,name", [
    ("initializers", name) for name in ("zeros", "ones", "constant", "identity", "orthogonal",
                                         "glorot_uniform", "he_normal", "lecun_uniform", "variance_scaling",
                                         "IdentityInitializer", "OrthogonalInitializer")
] + [("constraints", name) for name in ("max_norm", "min_max_norm", "non_neg", "unit_norm")])
def test_snake_case_names_are_the_classes_as_in_keras(namespace, name):
    ours, theirs = getattr(getattr(oi, namespace), name), getattr(getattr(keras, namespace), name)
    assert isinstance(ours, type) and isinstance(theirs, type)
    assert ours.__name__ == theirs.__name__.replace("Initializer", "") or ours.__name__ == theirs.__name__


def test_identity_alias_matches_keras_values():
    np.testing.assert_allclose(np.asarray(oi.initializers.identity(gain=2.0)((3, 4))),
                               keras.ops.convert_to_numpy(keras.initializers.identity(gain=2.0)((3, 4))))


def test_max_norm_alias_matches_keras_values():
    weights = np.random.default_rng(1).normal(size=(5, 3)).astype("float32") * 3
    np.testing.assert_allclose(np.asarray(oi.constraints.max_norm(1.5)(weights)),
                               keras.ops.convert_to_numpy(keras.constraints.max_norm(1.5)(weights)), rtol=1e-6)
