"""ReLU, LeakyReLU, PReLU, ELU and Softmax against Keras 3 itself (JAX backend) and against numpy
formulas, on the numpy reference and on JAX."""

from __future__ import annotations

import os
import warnings

import numpy as np
import pytest

os.environ.setdefault("KERAS_BACKEND", "jax")
keras = pytest.importorskip("keras")

import oneiros as oi  # noqa: E402
from oneiros import layers, ops  # noqa: E402

X = np.random.default_rng(3).normal(0.0, 4.0, size=(2, 3, 5)).astype("float32")


def numpy_of(value):
    return np.asarray(ops.to_numpy(value))


@pytest.mark.parametrize("name, kwargs", [
    ("ReLU", {}),
    ("ReLU", {"max_value": 3.0}),
    ("ReLU", {"negative_slope": 0.5, "threshold": 1.0}),
    ("ReLU", {"max_value": 6.0, "negative_slope": 0.1, "threshold": 2.0}),
    ("LeakyReLU", {}),
    ("LeakyReLU", {"negative_slope": 0.05}),
    ("ELU", {}),
    ("ELU", {"alpha": 0.3}),
    ("Softmax", {}),
    ("Softmax", {"axis": 1}),
    ("Softmax", {"axis": [1, 2]}),
])
def test_stateless_layers_match_keras(backend, name, kwargs):
    ours = getattr(layers, name)(**kwargs)
    expected = np.asarray(getattr(keras.layers, name)(**kwargs)(X))
    np.testing.assert_allclose(numpy_of(ours(X)), expected, rtol=1e-5, atol=1e-6)
    assert ours.compute_output_shape((None, 3, 5)) == (None, 3, 5)
    again = getattr(layers, name).from_config(ours.get_config())
    np.testing.assert_allclose(numpy_of(again(X)), expected, rtol=1e-5, atol=1e-6)


def test_relu_follows_its_formula_by_hand():
    layer = layers.ReLU(max_value=10, negative_slope=0.5, threshold=0)
    np.testing.assert_allclose(numpy_of(layer(np.array([-10, -5, 0.0, 5, 12], "float32"))),
                               [-5.0, -2.5, 0.0, 5.0, 10.0])


def test_leaky_relu_accepts_keras2_alpha_with_a_warning():
    with pytest.warns(DeprecationWarning, match="negative_slope"):
        layer = layers.LeakyReLU(alpha=0.5)
    assert layer.negative_slope == 0.5


@pytest.mark.parametrize("shared_axes, alpha_shape", [(None, (3, 5)), (1, (1, 5)), ([1, 2], (1, 1))])
def test_prelu_matches_keras_with_the_same_slopes(backend, shared_axes, alpha_shape):
    ours = layers.PReLU(shared_axes=shared_axes)
    theirs = keras.layers.PReLU(shared_axes=shared_axes)
    ours(X)
    theirs.build(X.shape)
    slopes = np.random.default_rng(1).uniform(0.0, 0.5, size=alpha_shape).astype("float32")
    ours.set_weights([slopes])
    theirs.set_weights([slopes])
    assert ours.alpha.shape == alpha_shape
    np.testing.assert_allclose(numpy_of(ours(X)), np.asarray(theirs(X)), rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(numpy_of(ours(X)), np.where(X > 0, X, slopes * X), rtol=1e-6, atol=1e-6)
    assert layers.PReLU.from_config(ours.get_config()).get_config() == ours.get_config()


def test_prelu_slopes_train_and_check_the_input_shape():
    model = oi.Sequential([layers.Input((4,)), layers.PReLU(alpha_initializer="ones")])
    assert model.count_params() == 4
    x = -np.abs(np.random.default_rng(0).normal(size=(16, 4))).astype("float32")
    model.compile(optimizer=oi.optimizers.get("SGD")(learning_rate=0.1), loss="mse")
    model.fit(x, 0.5 * x, epochs=2, batch_size=16, verbose=0)
    slopes = model.layers[0].get_weights()[0]
    assert np.all(slopes < 1.0), "the slopes move towards 0.5, the slope of the targets"
    with pytest.raises(ValueError, match=r"axis 1 of size 4"):
        model.layers[0](np.zeros((2, 5), "float32"))


@pytest.mark.parametrize("mask", [
    np.array([[[True, True, False, True, False]]]),
    np.array([1.0, 0.0, 1.0, 1.0, 0.0], "float32"),
    np.zeros((2, 3, 5), bool),
])
def test_softmax_mask_matches_keras(backend, mask):
    expected = np.asarray(keras.layers.Softmax()(X, mask=mask))
    np.testing.assert_allclose(numpy_of(layers.Softmax()(X, mask=mask)), expected, rtol=1e-5, atol=1e-7)


def test_bad_arguments_name_what_was_received():
    with pytest.raises(ValueError, match=r"max_value=-1"):
        layers.ReLU(max_value=-1)
    with pytest.raises(ValueError, match=r"negative_slope=None"):
        layers.ReLU(negative_slope=None)
    with pytest.raises(ValueError, match=r"threshold=-0.5"):
        layers.ReLU(threshold=-0.5)
    with pytest.raises(ValueError, match=r"negative_slope=-0.1"):
        layers.LeakyReLU(negative_slope=-0.1)
    with pytest.raises(ValueError, match=r"alpha='big'"):
        layers.ELU(alpha="big")
    with pytest.raises(ValueError, match=r"axis='last'"):
        layers.Softmax(axis="last")
    with pytest.raises(ValueError, match=r"shared_axes=\[0\]"):
        layers.PReLU(shared_axes=[0])
    with pytest.raises(ValueError, match=r"mask.shape=\(4,\)"):
        layers.Softmax()(X, mask=np.ones(4, bool))


def test_layers_resolve_by_name_and_keep_keras_defaults():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert oi.layers.get("ReLU") is layers.ReLU
    assert layers.LeakyReLU().negative_slope == keras.layers.LeakyReLU().negative_slope
    assert layers.ELU().alpha == 1.0
    assert layers.Softmax().axis == -1


CONTRACT = [
    ("ReLU", {"max_value": 6.0, "negative_slope": 0.1, "threshold": 0.5}, (0, 0)),
    ("LeakyReLU", {"negative_slope": 0.2}, (0, 0)),
    ("ELU", {"alpha": 0.7}, (0, 0)),
    ("Softmax", {"axis": [1, 2]}, (0, 0)),
    ("PReLU", {"shared_axes": [1], "alpha_initializer": "random_uniform"}, (1, 0)),
]


@pytest.mark.parametrize("name, kwargs, counts", CONTRACT, ids=[case[0] for case in CONTRACT])
def test_layers_pass_check_layer(name, kwargs, counts):
    """Symbolic and real shapes agree, configs survive JSON, numpy and JAX agree, and (checked from
    JAX, for the layer with weights) gradients match finite differences (``oneiros.testing.check_layer``)."""
    from oneiros.testing import check_layer

    with oi.backend_scope("jax" if counts[0] else "numpy"):
        check_layer(layers.get(name), kwargs, input_shape=(2, 3, 4), backends=("numpy", "jax"),
                    expected_num_trainable_weights=counts[0], expected_num_non_trainable_weights=counts[1])
