"""check_layer (config round trip, shapes, weights, finite-difference gradients, numpy vs JAX)
for LSTM and GRU."""

from __future__ import annotations

import pytest

from oneiros import layers
from oneiros.testing import check_layer


@pytest.mark.parametrize("layer_class,arguments,weights", [
    (layers.LSTM, {"units": 3, "return_sequences": True, "return_state": True, "go_backwards": True}, 3),
    (layers.GRU, {"units": 3, "reset_after": False}, 3),
])
def test_check_layer(layer_class, arguments, weights):
    report = check_layer(layer_class, arguments, input_shape=(2, 3, 2), expected_num_trainable_weights=weights)
    assert report["gradients"] == "checked"
