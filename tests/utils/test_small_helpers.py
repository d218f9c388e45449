"""The small keras.utils names: pack/unpack, is_keras_tensor, get_source_inputs, standardize_dtype,
set_random_seed, the saving re-exports, and that ``import oneiros`` does not import oi.utils."""

from __future__ import annotations

import random
import subprocess
import sys

import numpy as np
import pytest

keras = pytest.importorskip("keras")

import oneiros as oi  # noqa: E402
from oneiros import layers, utils  # noqa: E402

X, Y, W = np.ones((2, 3)), np.zeros(2), np.full(2, 0.5)


@pytest.mark.parametrize("arguments", [(X,), (X, Y), (X, Y, W), ((X, X),), ([X, X], Y), (X, None, W)])
def test_pack_x_y_sample_weight_matches_keras(arguments):
    ours, theirs = utils.pack_x_y_sample_weight(*arguments), keras.utils.pack_x_y_sample_weight(*arguments)
    assert type(ours) is type(theirs)
    assert len(ours) == len(theirs) if isinstance(ours, tuple) else ours is theirs


@pytest.mark.parametrize("data", [X, (X,), (X, Y), [X, Y, W], ((X, X), Y)])
def test_unpack_x_y_sample_weight_matches_keras(data):
    ours, theirs = utils.unpack_x_y_sample_weight(data), keras.utils.unpack_x_y_sample_weight(data)
    assert [id(part) for part in ours] == [id(part) for part in theirs]


def test_unpack_names_a_bad_tuple():
    with pytest.raises(ValueError, match="a tuple of 4 items"):
        utils.unpack_x_y_sample_weight((X, Y, W, W))


def test_symbolic_tensors_and_their_sources():
    first, second = oi.Input((3,)), oi.Input((3,))
    total = layers.Add()([layers.Dense(3)(first), second])
    output = layers.Dense(1)(layers.Concatenate()([total, first]))
    assert utils.is_keras_tensor(output) and not utils.is_keras_tensor(X)
    sources = utils.get_source_inputs(output)
    assert len(sources) == 2 and sources[0] is first and sources[1] is second
    assert utils.get_source_inputs(first) == [first]


@pytest.mark.parametrize("dtype", [None, "float32", "float64", "int8", "uint16", "bool", float, int, bool, str,
                                   np.float32, np.dtype("int64"), np.zeros(1, "float16").dtype])
def test_standardize_dtype_matches_keras_on_jax(dtype):
    assert utils.standardize_dtype(dtype) == keras.utils.standardize_dtype(dtype)


def test_standardize_dtype_names_an_unknown_dtype():
    with pytest.raises(ValueError, match=r"unknown dtype 'float33'"):
        utils.standardize_dtype("float33")


def test_set_random_seed_repeats_weights_and_python_and_numpy_draws():
    def draw():
        utils.set_random_seed(1234)
        layer = layers.Dense(4)
        layer(np.ones((1, 3), "float32"))
        return layer.get_weights()[0], random.random(), np.random.rand()

    first, second = draw(), draw()
    np.testing.assert_array_equal(first[0], second[0])
    assert first[1:] == second[1:]
    with pytest.raises(ValueError, match=r"seed=-1"):
        utils.set_random_seed(-1)


def test_saving_names_are_oneiros_saving_s_own():
    from oneiros import saving

    for name in utils.SAVING_NAMES:
        assert getattr(utils, name) is getattr(saving, name)
    assert set(utils.SAVING_NAMES) <= set(dir(keras.utils))
    with pytest.raises(AttributeError, match="has no attribute 'no_such_helper'"):
        utils.no_such_helper  # noqa: B018


def test_import_oneiros_leaves_utils_unimported():
    code = ("import sys, oneiros; assert 'oneiros.utils' not in sys.modules; oneiros.utils.Progbar; "
            "assert 'oneiros.utils._plotting' not in sys.modules and 'pydot' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_every_utils_name_is_a_keras_utils_name():
    assert set(utils.__all__) <= set(dir(keras.utils))
    assert all(getattr(utils, name) is not None for name in utils.__all__)


def test_clear_session_restarts_layer_names_like_keras():
    names = {}
    for module, namespace in (("keras", keras), ("oneiros", oi)):
        namespace.layers.Dense(2)
        namespace.utils.clear_session(free_memory=False)
        first = namespace.layers.Dense(2).name
        names[module] = (first, namespace.layers.Dense(2).name)
    assert names["oneiros"] == names["keras"] == ("dense", "dense_1")
