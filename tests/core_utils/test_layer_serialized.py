"""Layer.serialized: the config entries of initializers, regularizers and constraints."""

import pytest

import oneiros as oi
from oneiros import constraints, initializers, regularizers


def test_each_name_is_serialized_by_the_namespace_its_ending_names():
    layer = oi.layers.Dense(3, activation="tanh", kernel_initializer="he_normal", kernel_regularizer="l2",
                            bias_constraint="non_neg")
    assert layer.serialized("kernel_initializer", "kernel_regularizer", "bias_constraint") == {
        "kernel_initializer": initializers.serialize(layer.kernel_initializer),
        "kernel_regularizer": regularizers.serialize(layer.kernel_regularizer),
        "bias_constraint": constraints.serialize(layer.bias_constraint),
    }


def test_a_name_without_a_known_ending_is_refused():
    with pytest.raises(ValueError, match=r"Dense.serialized: 'activation' does not end in _initializer"):
        oi.layers.Dense(3).serialized("activation")
