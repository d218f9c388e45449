"""``keras.backend.epsilon()``, ``floatx()`` and ``image_data_format()`` under ``import oneiros as
keras``: Keras's default values (Keras 3 itself is the oracle), and the values Oneiros computes
with — a program that writes its own numerics with them matches the library's."""

from __future__ import annotations

import math
import os

import numpy as np
import pytest

os.environ.setdefault("KERAS_BACKEND", "jax")
import keras  # noqa: E402

import oneiros as oi  # noqa: E402


@pytest.mark.parametrize("name", ["epsilon", "floatx", "image_data_format"])
def test_readers_give_keras_defaults(name):
    expected, received = getattr(keras.backend, name)(), getattr(oi.backend, name)()
    assert type(received) is type(expected) and received == expected


def test_losses_clip_at_epsilon():
    """A certain wrong prediction costs -log(epsilon): the clip margin is the reader's value."""
    with oi.backend_scope("jax"):
        loss = oi.losses.binary_crossentropy(np.ones((1, 1), "float32"), np.zeros((1, 1), "float32"))
        np.testing.assert_allclose(oi.ops.to_numpy(loss), [-math.log(oi.backend.epsilon())], rtol=1e-5)


def test_layers_default_to_floatx_and_image_data_format():
    with oi.backend_scope("jax"):
        dense = oi.layers.Dense(2)
        dense.build((None, 3))
        assert oi.ops.dtype(dense.kernel.value) == oi.backend.floatx()
        assert oi.layers.Conv2D(2, 3).get_config()["data_format"] == oi.backend.image_data_format()
