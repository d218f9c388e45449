"""The host-side helpers every eager backend shares, against hand-computed values."""

import numpy as np
import pytest

from oneiros.backend.geometry import transpose_padding
from oneiros.backend.host_arrays import int_tuple, narrowed_numpy
from oneiros.backend.resampling import linear_neighbours, nearest_indices


def test_int_tuple_takes_ints_and_int_sequences():
    assert int_tuple(3, "axes") == (3,)
    assert int_tuple([2, -1], "newshape") == (2, -1)
    assert int_tuple(np.array([0, 1], np.int64), "axes") == (0, 1)
    assert int_tuple([], "axes") == ()


@pytest.mark.parametrize("bad", [[1.5, 2], [[1, 2], [3, 4]], "ab"])
def test_int_tuple_refuses_anything_else_naming_the_argument(bad):
    with pytest.raises(TypeError, match=r"newshape must be an int or a sequence of ints; received"):
        int_tuple(bad, "newshape")


def test_narrowed_numpy_narrows_64_bit_values_and_refuses_what_does_not_fit():
    assert narrowed_numpy(np.array([1.5], np.float64)).dtype == np.float32
    assert narrowed_numpy(np.array([7], np.int64)).dtype == np.int32
    with pytest.raises(OverflowError, match=r"int64 values in \[0, 4294967296\] do not fit int32"):
        narrowed_numpy(np.array([0, 2 ** 32], np.int64))
    with pytest.raises(TypeError, match="Cannot make a tensor of dtype complex128"):
        narrowed_numpy(np.array([1j]))


def test_resize_sources_by_hand():
    # 4 -> 2 nearest: output centers 1.0 and 3.0 fall in source pixels 1 and 3
    np.testing.assert_array_equal(nearest_indices(4, 2), [1, 3])
    # 2 -> 4 bilinear: output centers at source positions -0.25, 0.25, 0.75, 1.25, clipped to [0, 1]
    below, above, fraction = linear_neighbours(2, 4)
    np.testing.assert_array_equal(below, [0, 0, 0, 1])
    np.testing.assert_array_equal(above, [1, 1, 1, 1])
    np.testing.assert_allclose(fraction, [0.0, 0.25, 0.75, 0.0])


def test_transpose_padding_gives_keras_output_sizes():
    # a length-n input dilated by the stride has (n - 1) * stride + 1 elements; after padding
    # (before, after) a window of 3 gives (n - 1) * stride + 1 + before + after - 2 outputs
    for n, stride in ((4, 1), (4, 2), (5, 3)):
        valid = transpose_padding(3, stride, "valid", None)
        same = transpose_padding(3, stride, "same", None)
        assert (n - 1) * stride + 1 + sum(valid) - 2 == (n - 1) * stride + max(3, stride)
        assert (n - 1) * stride + 1 + sum(same) - 2 == n * stride
    assert transpose_padding(3, 2, "valid", 1) == (2, 3)
