"""Every core layer registered by name and passing ``oneiros.testing.check_layer``: symbolic
shapes (unknown batch) equal real ones, configs survive JSON and ``from_config``, weights
round-trip, the numpy and JAX backends agree, and (on JAX) gradients match finite differences."""

from __future__ import annotations

import json

import pytest

import oneiros
from oneiros import layers
from oneiros.testing import check_layer

SEQUENCE = (2, 3, 4)
PAIR = [(2, 3, 4), (2, 3, 4)]

# name, constructor arguments, input shape(s), (trainable, non-trainable) weight counts
STATELESS = [
    ("Activation", {"activation": "tanh"}, SEQUENCE, (0, 0)),
    ("Identity", {}, SEQUENCE, (0, 0)),
    # The random layers' seed states are variables, not weights, as in Keras.
    ("Dropout", {"rate": 0.5, "noise_shape": [None, 1, None], "seed": 1}, SEQUENCE, (0, 0)),
    ("SpatialDropout1D", {"rate": 0.5, "seed": 1}, SEQUENCE, (0, 0)),
    ("SpatialDropout2D", {"rate": 0.5, "data_format": "channels_first"}, (2, 3, 2, 2), (0, 0)),
    ("SpatialDropout3D", {"rate": 0.5}, (2, 2, 2, 2, 3), (0, 0)),
    ("GaussianNoise", {"stddev": 0.1, "seed": 1}, SEQUENCE, (0, 0)),
    ("GaussianDropout", {"rate": 0.2}, SEQUENCE, (0, 0)),
    ("AlphaDropout", {"rate": 0.2, "noise_shape": [None, 1, None]}, SEQUENCE, (0, 0)),
    ("Flatten", {}, SEQUENCE, (0, 0)),
    ("Flatten", {"data_format": "channels_first"}, (2, 3, 2, 2), (0, 0)),
    ("Reshape", {"target_shape": [-1, 2]}, SEQUENCE, (0, 0)),
    ("Permute", {"dims": [2, 1]}, SEQUENCE, (0, 0)),
    ("RepeatVector", {"n": 2}, (2, 4), (0, 0)),
    ("Masking", {"mask_value": 0.5}, SEQUENCE, (0, 0)),
    ("ActivityRegularization", {"l1": 0.1, "l2": 0.2}, SEQUENCE, (0, 0)),
    ("UnitNormalization", {"axis": [1, 2]}, SEQUENCE, (0, 0)),
    ("Add", {}, [(2, 3, 4), (2, 4)], (0, 0)),
    ("Subtract", {}, PAIR, (0, 0)),
    ("Multiply", {}, [(2, 3, 4), (2, 3, 1)], (0, 0)),
    ("Average", {}, PAIR, (0, 0)),
    ("Maximum", {}, PAIR, (0, 0)),
    ("Minimum", {}, PAIR, (0, 0)),
    ("Concatenate", {"axis": 1}, [(2, 3, 4), (2, 2, 4)], (0, 0)),
    ("Dot", {"axes": [2, 2], "normalize": True}, [(2, 3, 4), (2, 2, 4)], (0, 0)),
]

WEIGHTED = [
    # smooth activation and penalties: finite differences across relu's or L1's kink would be flaky
    ("Dense", {"units": 3, "activation": "tanh", "kernel_regularizer": {"class_name": "L2", "config": {"l2": 0.1}},
               "activity_regularizer": {"class_name": "L2", "config": {"l2": 0.01}}}, SEQUENCE, (2, 0)),
    ("BatchNormalization", {"momentum": 0.9, "gamma_regularizer": {"class_name": "L2", "config": {"l2": 0.1}},
                            "beta_constraint": "non_neg"}, SEQUENCE, (2, 2)),
    ("LayerNormalization", {"axis": [1, 2]}, SEQUENCE, (2, 0)),
    ("GroupNormalization", {"groups": 2, "gamma_initializer": "random_normal"}, SEQUENCE, (2, 0)),
    ("RMSNormalization", {}, SEQUENCE, (1, 0)),
    ("EinsumDense", {"equation": "abc,cde->abde", "output_shape": [None, 2, 3], "bias_axes": "de",
                     "activation": "tanh"}, SEQUENCE, (2, 0)),
]


def _check(name, kwargs, shape, counts):
    check_layer(layers.get(name), kwargs, input_shape=shape, backends=("numpy", "jax"),
                expected_num_trainable_weights=counts[0], expected_num_non_trainable_weights=counts[1])


@pytest.mark.parametrize("name, kwargs, shape, counts", STATELESS, ids=[case[0] for case in STATELESS])
def test_stateless_layers_pass_check_layer(name, kwargs, shape, counts):
    with oneiros.backend_scope("numpy"):
        _check(name, kwargs, shape, counts)


@pytest.mark.parametrize("name, kwargs, shape, counts", WEIGHTED, ids=[case[0] for case in WEIGHTED])
def test_layers_with_weights_pass_check_layer_with_gradients(name, kwargs, shape, counts):
    with oneiros.backend_scope("jax"):
        _check(name, kwargs, shape, counts)


@pytest.mark.parametrize("name, kwargs, shape, counts", STATELESS + WEIGHTED,
                         ids=[case[0] for case in STATELESS + WEIGHTED])
def test_unbuilt_configs_round_trip_through_json(name, kwargs, shape, counts):
    cls = layers.get(name)
    config = json.loads(json.dumps(cls(**kwargs).get_config()))
    assert cls.from_config(config).get_config() == config
