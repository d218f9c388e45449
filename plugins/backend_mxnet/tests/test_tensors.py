"""Tensors on MXNet: the contract's dtypes MXNet lacks, conversions, and errors."""

from __future__ import annotations

import mxnet
import numpy as np
import pytest
from oneiros import ops
from oneiros.errors import OpError

WIDE = ("int16", "uint16", "uint32")


@pytest.mark.parametrize("dtype", WIDE)
def test_integer_dtypes_mxnet_lacks_round_trip_exactly(mxnet_backend, dtype):
    info = np.iinfo(dtype)
    values = np.array([info.min, info.min + 1, 0, info.max - 1, info.max], dtype=dtype)
    tensor = ops.convert_to_tensor(values)
    assert ops.dtype(tensor) == dtype and ops.is_tensor(tensor)
    back = ops.to_numpy(tensor)
    assert back.dtype == np.dtype(dtype)
    np.testing.assert_array_equal(back, values)


@pytest.mark.parametrize("dtype", WIDE)
def test_arithmetic_on_them_wraps_like_numpy(mxnet_backend, dtype):
    rng = np.random.default_rng(0)
    info = np.iinfo(dtype)
    a = rng.integers(info.min, int(info.max) + 1, 64, dtype=np.int64).astype(dtype)
    b = rng.integers(info.min, int(info.max) + 1, 64, dtype=np.int64).astype(dtype)
    x, y = ops.convert_to_tensor(a), ops.convert_to_tensor(b)
    for op, expected in ((ops.add, a + b), (ops.subtract, a - b), (ops.multiply, a * b)):
        result = op(x, y)
        assert ops.dtype(result) == dtype
        np.testing.assert_array_equal(ops.to_numpy(result), expected, err_msg=op.__name__)


def test_they_keep_their_dtype_through_layout_ops_and_indexing(mxnet_backend):
    values = np.arange(12, dtype=np.uint32).reshape(3, 4) * 300_000_000
    tensor = ops.convert_to_tensor(values)
    moved = ops.transpose(ops.reshape(tensor, (4, 3)))
    np.testing.assert_array_equal(ops.to_numpy(moved), values.reshape(4, 3).T)
    assert ops.dtype(moved) == "uint32" and ops.dtype(tensor[1]) == "uint32"
    assert ops.to_numpy(ops.sum(tensor)) == values.sum(dtype=np.uint32)


def test_bfloat16_is_refused_saying_why(mxnet_backend):
    with pytest.raises((TypeError, OpError), match="bfloat16"):
        ops.cast(ops.ones((2,)), "bfloat16")


def test_converted_arrays_do_not_alias_the_callers_numpy_array(mxnet_backend):
    source = np.arange(6, dtype=np.float32)
    tensor = ops.convert_to_tensor(source)
    source[:] = -1
    np.testing.assert_array_equal(ops.to_numpy(tensor), np.arange(6))
    assert source.flags.writeable


def test_64_bit_inputs_are_narrowed(mxnet_backend):
    assert ops.dtype(ops.convert_to_tensor(np.arange(3))) == "int32"
    assert ops.dtype(ops.convert_to_tensor(np.ones(3))) == "float32"
    with pytest.raises((OverflowError, OpError)):
        ops.convert_to_tensor(np.array([2**40]))


def test_legacy_ndarrays_are_accepted(mxnet_backend):
    legacy = mxnet.nd.array([1.0, 2.0, 3.0])
    assert ops.is_tensor(legacy)
    np.testing.assert_array_equal(ops.to_numpy(ops.multiply(legacy, 2.0)), [2.0, 4.0, 6.0])


def test_engine_errors_become_op_errors_naming_the_op(mxnet_backend):
    with pytest.raises(OpError, match=r"ops\.matmul.*\[2, 3\].*\[4, 5\]"):
        ops.matmul(ops.ones((2, 3)), ops.ones((4, 5)))
