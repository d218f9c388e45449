"""Masking (the mask it makes, and layers downstream receiving it) and Lambda (calls, shapes,
and its refusal to be rebuilt from a config)."""

from __future__ import annotations

import numpy as np
import pytest

from oneiros.errors import UnsafeConfigError
from oneiros.saving import safe_mode_scope

import oneiros as oi
from oneiros import layers, ops
from oneiros.errors import OneirosError

X = np.array([[[1.0, 2.0], [0.0, 0.0], [3.0, 0.0]],
              [[0.0, 0.0], [0.0, 0.0], [5.0, 6.0]]], dtype="float32")
PADDED = np.array([[[1.0, 2.0], [-1.0, -1.0], [3.0, -1.0]],
                   [[-1.0, -1.0], [-1.0, -1.0], [5.0, 6.0]]], dtype="float32")
EXPECTED_MASK = np.array([[True, False, True], [False, False, True]])


def numpy_of(value):
    return np.asarray(ops.to_numpy(value))


class MaskRecorder(oi.layers.Layer):
    """Returns its inputs and keeps the mask it was called with."""

    supports_masking = True

    def call(self, inputs, mask=None):
        self.seen_mask = None if mask is None else numpy_of(mask)
        return inputs


def test_masking_marks_steps_whose_features_all_equal_the_mask_value(backend):
    layer = layers.Masking(mask_value=-1.0)
    np.testing.assert_array_equal(numpy_of(layer.compute_mask(PADDED)), EXPECTED_MASK)
    expected = PADDED * EXPECTED_MASK[..., None]
    np.testing.assert_array_equal(numpy_of(layer(PADDED)), expected)
    np.testing.assert_array_equal(numpy_of(layers.Masking().compute_mask(X)), EXPECTED_MASK)


def test_a_downstream_layer_sees_the_mask_in_a_sequential_model(backend):
    recorder = MaskRecorder()
    normalization = layers.BatchNormalization(momentum=0.0)
    model = oi.Sequential([layers.Input((3, 2)), layers.Masking(-1.0), layers.Identity(), recorder,
                           normalization])
    model(PADDED, training=True)
    np.testing.assert_array_equal(recorder.seen_mask, EXPECTED_MASK)
    kept = PADDED[EXPECTED_MASK]
    np.testing.assert_allclose(normalization.moving_mean.numpy(), kept.mean(axis=0), rtol=1e-5)
    np.testing.assert_allclose(normalization.moving_variance.numpy(), kept.var(axis=0), rtol=1e-5)


def test_pass_through_layers_keep_the_mask_and_layout_changing_ones_drop_it(backend):
    for layer in (layers.Dropout(0.5), layers.GaussianNoise(0.1), layers.Activation("relu"),
                  layers.LayerNormalization(), layers.ActivityRegularization(l1=0.1), layers.Dense(2)):
        assert layer.compute_mask(X, EXPECTED_MASK) is EXPECTED_MASK  # Keras's Dense passes masks too
    for layer in (layers.Flatten(), layers.Reshape((6,)), layers.RMSNormalization()):
        assert layer.compute_mask(X, EXPECTED_MASK) is None
    recorder = MaskRecorder()
    model = oi.Sequential([layers.Input((3, 2)), layers.Masking(), layers.Flatten(), recorder])
    model(X)
    assert recorder.seen_mask is None


def test_masks_reach_merging_layers_in_a_functional_model(backend):
    inputs = oi.Input((3, 2))
    masked = layers.Masking(-1.0)(inputs)
    recorder = MaskRecorder()
    total = recorder(layers.Add()([masked, layers.Masking(-1.0)(inputs)]))
    oi.Model(inputs, total)(PADDED)
    np.testing.assert_array_equal(recorder.seen_mask, EXPECTED_MASK)


def test_lambda_calls_its_function_with_arguments(backend):
    scale = layers.Lambda(lambda x, factor: ops.multiply(x, factor), arguments={"factor": 3.0})
    np.testing.assert_array_equal(numpy_of(scale(X)), X * 3.0)

    def noisy(x, training=None):
        return ops.add(x, 1.0) if training else x

    layer = layers.Lambda(noisy)
    np.testing.assert_array_equal(numpy_of(layer(X, training=True)), X + 1.0)
    np.testing.assert_array_equal(numpy_of(layer(X)), X)


def test_lambda_masks(backend):
    assert layers.Lambda(lambda x: x).compute_mask(X, EXPECTED_MASK) is None
    fixed = layers.Lambda(lambda x: x, mask=EXPECTED_MASK)
    assert fixed.compute_mask(X, None) is EXPECTED_MASK
    shifted = layers.Lambda(lambda x: x, mask=lambda inputs, mask: ops.logical_not(mask))
    np.testing.assert_array_equal(numpy_of(shifted.compute_mask(X, EXPECTED_MASK)), ~EXPECTED_MASK)


def test_lambda_output_shapes():
    summed = layers.Lambda(lambda x: ops.sum(x, axis=1))
    assert summed(oi.Input((3, 2))).shape == (None, 2)
    fixed = layers.Lambda(lambda x: ops.reshape(x, (-1, 6)), output_shape=(6,))
    assert fixed(oi.Input((3, 2))).shape == (None, 6)
    computed = layers.Lambda(lambda x: x, output_shape=lambda shape: shape)
    assert computed(oi.Input((3, 2))).shape == (None, 3, 2)
    first_of_two = layers.Lambda(lambda xs: xs[0], output_shape=(3, 2))
    assert first_of_two([oi.Input((3, 2)), oi.Input((5,))]).shape == (None, 3, 2)


def test_lambda_config_carries_no_code_and_loading_is_refused():
    layer = layers.Lambda(lambda x: x, name="my_lambda")
    config = layer.get_config()
    assert config["function"] is None and config["unsafe"] is True and config["name"] == "my_lambda"
    with pytest.raises(UnsafeConfigError, match="Lambda layer 'my_lambda' carries code.*safe_mode"):
        layers.Lambda.from_config(config)
    with safe_mode_scope(False), pytest.raises(OneirosError, match="never stores or runs Python code"):
        layers.Lambda.from_config(config)
    with pytest.raises(TypeError, match="callable"):
        layers.Lambda("x * 2")
