"""The lowercase regularizer aliases (``regularizers.l1``, ``l2``, ``l1_l2``, ``orthogonal_regularizer``)
build the same penalties as Keras 3's, on the numpy reference."""

from __future__ import annotations

import os

import numpy as np
import pytest

os.environ.setdefault("KERAS_BACKEND", "jax")
keras = pytest.importorskip("keras")

from oneiros import layers, ops, regularizers  # noqa: E402

W = np.random.default_rng(2).normal(size=(4, 6)).astype("float32")


@pytest.mark.parametrize("alias, kwargs", [
    ("l1", {}), ("l1", {"l1": 0.3}), ("l2", {}), ("l2", {"l2": 1e-4}), ("l1_l2", {}),
    ("l1_l2", {"l1": 0.1, "l2": 0.2}), ("orthogonal_regularizer", {"factor": 0.5, "mode": "columns"}),
])
def test_aliases_build_keras_penalties(alias, kwargs):
    ours = getattr(regularizers, alias)(**kwargs)
    theirs = getattr(keras.regularizers, alias)(**kwargs)
    assert type(ours).__name__ == type(theirs).__name__
    value = float(ops.to_numpy(ours(ops.convert_to_tensor(W))))
    assert value == pytest.approx(float(theirs(keras.ops.convert_to_tensor(W))), rel=1e-5, abs=1e-7)


def test_aliases_work_where_keras_code_uses_them():
    layer = layers.Dense(3, kernel_regularizer=regularizers.l2(1e-3), bias_regularizer=regularizers.l1_l2(l1=0.01))
    layer(np.ones((1, 2), "float32"))
    assert layer.kernel.regularizer.get_config() == {"l2": 1e-3}
    assert layer.get_config()["bias_regularizer"]["config"] == {"l1": 0.01, "l2": 0.0}
    with pytest.raises(ValueError, match=r"l2=-1"):
        regularizers.l2(-1)
