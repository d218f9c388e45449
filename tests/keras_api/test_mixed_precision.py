"""``oi.mixed_precision`` sets the policy of new layers, as ``keras.mixed_precision`` does."""

from __future__ import annotations

import numpy as np
import pytest

import oneiros as oi
from oneiros import layers, ops


@pytest.fixture
def restore_policy():
    yield
    oi.mixed_precision.set_global_policy("float32")


def test_the_global_policy_applies_to_layers_created_afterwards(restore_policy):
    assert oi.mixed_precision.global_policy().name == "float32"
    oi.mixed_precision.set_global_policy("mixed_bfloat16")
    policy = oi.mixed_precision.global_policy()
    assert (policy.name, policy.compute_dtype, policy.variable_dtype) == ("mixed_bfloat16", "bfloat16", "float32")
    dense = layers.Dense(2)
    outputs = dense(np.ones((1, 3), "float32"))
    assert ops.dtype(outputs) == "bfloat16" and dense.kernel.dtype == "float32"
    oi.mixed_precision.set_global_policy("float32")
    assert ops.dtype(layers.Dense(2)(np.ones((1, 3), "float32"))) == "float32"
    assert oi.mixed_precision.Policy is oi.mixed_precision.DTypePolicy


def test_an_unknown_policy_is_refused_and_changes_nothing(restore_policy):
    with pytest.raises(ValueError, match="Unknown dtype policy 'mixed_float8'"):
        oi.mixed_precision.set_global_policy("mixed_float8")
    assert oi.mixed_precision.global_policy().name == "float32"
