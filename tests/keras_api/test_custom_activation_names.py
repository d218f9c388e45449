"""A plain custom activation function saves by its name and loads through custom_objects, as Keras
does; loading never imports it, and a lambda or a name shadowing a built-in is refused."""

from __future__ import annotations

import numpy as np
import pytest

import oneiros as oi
from oneiros import layers, ops
from oneiros.errors import OneirosError


def soft_sign_squared(x):
    return ops.square(ops.softsign(x))


def test_a_plain_function_round_trips_through_custom_objects(tmp_path):
    model = oi.Sequential([layers.Input((3,)), layers.Dense(2, activation=soft_sign_squared)])
    x = np.linspace(-1, 1, 6, dtype="float32").reshape(2, 3)
    path = tmp_path / "custom.oneiros"
    model.save(path)
    with pytest.raises(OneirosError, match="soft_sign_squared"):
        oi.load_model(path)
    loaded = oi.load_model(path, custom_objects={"soft_sign_squared": soft_sign_squared})
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6)
    with oi.saving.custom_object_scope({"soft_sign_squared": soft_sign_squared}):
        assert oi.load_model(path).layers[0].activation is soft_sign_squared


def test_a_lambda_or_a_shadowing_name_cannot_be_saved_by_name():
    with pytest.raises(ValueError, match="no name of its own"):
        oi.activations.serialize(lambda x: x)

    def relu(x):
        return x

    with pytest.raises(ValueError, match="no name of its own"):
        oi.activations.serialize(relu)
