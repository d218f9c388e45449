"""Tests of the template plugin, using the core's pytest fixtures."""

import numpy as np
import pytest

import oneiros as oi
from oneiros_gated import plugin
from oneiros_gated.charbonnier import CharbonnierLoss
from oneiros_gated.gated_dense import GatedDense
from oneiros.testing import check_layer


def test_registers_cleanly(register_plugin):
    record = register_plugin(plugin, "gated")
    assert record.registered == {"layers": 1, "losses": 1}
    assert oi.layers.get("gated>GatedDense") is GatedDense
    assert oi.losses.get("CharbonnierLoss") is CharbonnierLoss


def test_gated_dense_on_every_backend(register_plugin):
    register_plugin(plugin, "gated")
    report = check_layer(GatedDense, {"units": 3}, input_shape=(4, 5), expected_output_shape=(4, 3),
                         expected_num_trainable_weights=4, expected_num_losses=0,
                         backends=["jax", "numpy", "onnx"])    # leave out for every installed one
    assert set(report["backends"]) == {"jax", "numpy", "onnx"}
    assert report["exports"] == {"onnx": [(4, 3)]}


def test_gated_dense_matches_numpy():
    with oi.backend_scope("numpy"):
        layer = GatedDense(3)
        x = np.random.default_rng(0).normal(size=(4, 5)).astype("float32")
        got = np.asarray(layer(x))
        w, b, v, c = layer.get_weights()
        expected = (x @ w + b) / (1 + np.exp(-(x @ v + c)))
        np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)
        assert layer.compute_output_shape((None, 5)) == (None, 3)
        assert GatedDense.from_config(layer.get_config()).units == 3


def test_charbonnier_hand_computed():
    with oi.backend_scope("numpy"):
        loss = CharbonnierLoss(epsilon=0.5, reduction=None)
        value = np.asarray(loss(np.array([[0.0, 0.0]]), np.array([[1.2, 0.0]], "float32")))
        # sqrt(1.44 + 0.25) = 1.3, sqrt(0 + 0.25) = 0.5, mean = 0.9
        np.testing.assert_allclose(value, [0.9], rtol=1e-6)


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="positive int; received 0"):
        GatedDense(0)
    with pytest.raises(ValueError, match="epsilon must be > 0"):
        CharbonnierLoss(epsilon=0)
