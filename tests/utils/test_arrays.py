"""to_categorical, normalize and pad_sequences against keras.utils, on numpy inputs and backend tensors."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

keras = pytest.importorskip("keras")

import oneiros as oi  # noqa: E402
from oneiros import ops, utils  # noqa: E402


@pytest.mark.parametrize("labels, num_classes", [
    ([0, 2, 1, 2], None), ([0, 2, 1, 2], 5), (np.array([[1], [0], [3]]), None),
    (np.array([[0, 1], [2, 1]]), 4), (np.array([[[1]], [[2]]], "int32"), 3), (np.array([4.0, 1.0]), None),
])
def test_to_categorical_matches_keras_on_arrays(labels, num_classes):
    expected = keras.utils.to_categorical(labels, num_classes)
    ours = utils.to_categorical(labels, num_classes)
    assert ours.dtype == expected.dtype and ours.shape == expected.shape
    np.testing.assert_array_equal(ours, expected)


def test_to_categorical_of_a_tensor_is_a_float32_tensor():
    """(On the numpy reference backend tensors are numpy arrays, which keep Keras's array result.)"""
    with oi.backend_scope("jax"):
        result = utils.to_categorical(ops.convert_to_tensor(np.array([[2], [0]], "int32")), 3)
        assert ops.is_tensor(result) and str(ops.dtype(result)) == "float32"
        np.testing.assert_array_equal(ops.to_numpy(result), [[0, 0, 1], [1, 0, 0]])


def test_to_categorical_rejects_what_keras_would_silently_wrap():
    with pytest.raises(ValueError, match=r"ids from -1 to 2 with num_classes=None"):
        utils.to_categorical([2, -1])
    with pytest.raises(ValueError, match=r"ids from 0 to 3 with num_classes=3"):
        utils.to_categorical([0, 3], num_classes=3)
    with pytest.raises(ValueError, match=r"integer class ids; received values of dtype float64"):
        utils.to_categorical([0.5, 1.0])
    with pytest.raises(ValueError, match=r"num_classes=0"):
        utils.to_categorical([0], num_classes=0)


X = np.random.default_rng(0).normal(size=(3, 4, 5))


@pytest.mark.parametrize("axis, order", [(-1, 2), (1, 2), (1, 1), (-1, 3)])
def test_normalize_matches_keras_on_arrays(axis, order):
    with_zero_row = X.copy()
    with_zero_row[0, 0] = 0.0
    np.testing.assert_allclose(utils.normalize(with_zero_row, axis, order),
                               keras.utils.normalize(with_zero_row, axis, order), rtol=1e-12)


def test_normalize_along_axis_0_by_explicit_loops():
    """(Keras's own numpy path turns axis=0 into -1 and fails to broadcast, so a loop is the oracle.)"""
    expected = np.empty_like(X)
    for j, k in itertools.product(range(X.shape[1]), range(X.shape[2])):
        column = X[:, j, k]
        expected[:, j, k] = column / sum(abs(v) for v in column)
    np.testing.assert_allclose(utils.normalize(X, axis=0, order=1), expected, rtol=1e-12)


@pytest.mark.parametrize("order", [1, 2])
def test_normalize_of_a_tensor_matches_keras_ops(order):
    x = X.astype("float32")
    with oi.backend_scope("jax"):
        ours = ops.to_numpy(utils.normalize(ops.convert_to_tensor(x), axis=-1, order=order))
    np.testing.assert_allclose(ours, np.asarray(keras.ops.normalize(x, axis=-1, order=order)), rtol=1e-5)


SEQUENCES = [[1, 2, 3, 4], [5, 6], [], [7, 8, 9]]


@pytest.mark.parametrize("padding, truncating, maxlen", itertools.product(["pre", "post"], ["pre", "post"],
                                                                          [None, 1, 3, 6]))
def test_pad_sequences_matches_keras_in_every_mode(padding, truncating, maxlen):
    for dtype, value in (("int32", 0.0), ("float32", -1.5), ("int64", 9)):
        expected = keras.utils.pad_sequences(SEQUENCES, maxlen=maxlen, dtype=dtype, padding=padding,
                                             truncating=truncating, value=value)
        ours = utils.pad_sequences(SEQUENCES, maxlen=maxlen, dtype=dtype, padding=padding, truncating=truncating,
                                   value=value)
        assert ours.dtype == expected.dtype
        np.testing.assert_array_equal(ours, expected)


def test_pad_sequences_of_vectors_and_of_text_match_keras():
    vectors = [np.ones((2, 3)), np.zeros((4, 3))]
    np.testing.assert_array_equal(utils.pad_sequences(vectors, maxlen=3, dtype="float32"),
                                  keras.utils.pad_sequences(vectors, maxlen=3, dtype="float32"))
    words = [["a", "b"], ["c"]]
    np.testing.assert_array_equal(utils.pad_sequences(words, dtype=object, value="<pad>"),
                                  keras.utils.pad_sequences(words, dtype=object, value="<pad>"))


def test_pad_sequences_names_bad_arguments():
    with pytest.raises(ValueError, match=r"padding=.middle."):
        utils.pad_sequences(SEQUENCES, padding="middle")
    with pytest.raises(ValueError, match=r"truncating=.both."):
        utils.pad_sequences(SEQUENCES, truncating="both")
    with pytest.raises(ValueError, match=r"maxlen=-2"):
        utils.pad_sequences(SEQUENCES, maxlen=-2)
    with pytest.raises(ValueError, match=r"shapes \[\(2,\), \(3,\)\]"):
        utils.pad_sequences([np.ones((1, 2)), np.ones((1, 3))])
    with pytest.raises(ValueError, match=r"cannot hold the padding value 'x'"):
        utils.pad_sequences(SEQUENCES, value="x")


def test_the_text_plugin_serves_the_same_pad_sequences():
    from oneiros_text import pad_sequences

    assert pad_sequences is utils.pad_sequences
