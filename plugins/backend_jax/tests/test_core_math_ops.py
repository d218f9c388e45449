"""Core, math and shape ops against hand-computed values and the dtypes oneiros.dtypes promises."""

import math

import numpy as np
import pytest
from oneiros.backend import get_backend
from oneiros.dtypes import DtypeError


@pytest.fixture(scope="module")
def ops():
    return get_backend("jax").ops


def check(actual, expected, dtype):
    actual_np = np.asarray(actual)
    assert actual_np.dtype.name == dtype, f"dtype {actual_np.dtype.name}, expected {dtype}"
    np.testing.assert_allclose(actual_np.astype(np.float64), np.asarray(expected, np.float64), rtol=1e-6, atol=1e-6)


def test_convert_to_tensor_narrows_64_bit_and_is_strongly_typed(ops):
    assert ops.dtype(ops.convert_to_tensor(np.arange(3, dtype=np.int64))) == "int32"
    assert ops.dtype(ops.convert_to_tensor([0.5, 1.5])) == "float32"
    assert ops.dtype(ops.convert_to_tensor(True)) == "bool"
    assert ops.dtype(ops.convert_to_tensor(np.array([1, 2], np.uint64))) == "uint32"
    scalar = ops.convert_to_tensor(2.0)
    # A strongly typed float32 scalar promotes a bfloat16 tensor to float32 (oneiros.dtypes).
    assert ops.dtype(ops.add(scalar, ops.ones((2,), "bfloat16"))) == "float32"
    check(ops.convert_to_tensor([1, 2], dtype="float16"), [1, 2], "float16")


@pytest.mark.parametrize(
    ("value", "dtype_name"),
    [(["a", "b"], "str"), (np.array([1 + 2j]), "complex128"), (np.array([None], dtype=object), "object")],
)
def test_convert_to_tensor_refuses_unsupported_dtypes(ops, value, dtype_name):
    with pytest.raises(TypeError) as caught:
        ops.convert_to_tensor(value)
    assert isinstance(caught.value, DtypeError)
    assert dtype_name in str(caught.value) and "float32" in str(caught.value) and "bfloat16" in str(caught.value)


def test_creation_ops(ops):
    check(ops.zeros((2, 3)), np.zeros((2, 3)), "float32")
    check(ops.ones((2,), "int8"), [1, 1], "int8")
    check(ops.full((2,), 7), [7, 7], "int32")
    check(ops.full((2,), 0.5), [0.5, 0.5], "float32")
    check(ops.full((1,), True), [1], "bool")
    check(ops.zeros_like(ops.ones((2,), "uint8")), [0, 0], "uint8")
    check(ops.ones_like(ops.zeros((2,)), "int16"), [1, 1], "int16")
    check(ops.full_like(ops.zeros((2,), "int32"), 3), [3, 3], "int32")
    check(ops.arange(4), [0, 1, 2, 3], "int32")
    check(ops.arange(1, 2, 0.25), [1, 1.25, 1.5, 1.75], "float32")
    check(ops.eye(2, 3, k=1), [[0, 1, 0], [0, 0, 1]], "float32")
    check(ops.linspace(0, 1, 5), [0, 0.25, 0.5, 0.75, 1], "float32")
    check(ops.linspace(0, 1, 4, endpoint=False), [0, 0.25, 0.5, 0.75], "float32")


def test_inspection_ops(ops):
    x = ops.zeros((2, 3), "bfloat16")
    shape = ops.shape(x)
    assert shape == (2, 3) and all(type(size) is int for size in shape)
    assert ops.dtype(x) == "bfloat16"
    assert ops.is_tensor(x) and not ops.is_tensor(np.zeros(2)) and not ops.is_tensor([1.0])
    as_numpy = ops.to_numpy(ops.arange(3))
    assert isinstance(as_numpy, np.ndarray) and as_numpy.tolist() == [0, 1, 2]


def test_cast_truncates_toward_zero_and_handles_bfloat16(ops):
    check(ops.cast(ops.convert_to_tensor([-1.7, -0.5, 1.7, 2.5]), "int32"), [-1, 0, 1, 2], "int32")
    as_bf16 = ops.cast(ops.convert_to_tensor([1.0, 2.0]), "bfloat16")
    assert ops.dtype(as_bf16) == "bfloat16"
    check(ops.cast(as_bf16, "float32"), [1, 2], "float32")


def test_binary_math_and_promotion(ops):
    ints = ops.convert_to_tensor([7, -7])
    check(ops.divide(ints, 2), [3.5, -3.5], "float32")
    check(ops.floor_divide(ints, 2), [3, -4], "int32")
    check(ops.mod(ints, 3), [1, 2], "int32")
    check(ops.mod(ints, -3), [-2, -1], "int32")
    check(ops.power(ints, 2), [49, 49], "int32")
    check(ops.add(ops.ones((2,), "int8"), ops.ones((2,), "uint8")), [2, 2], "int16")
    check(ops.add(ops.ones((2,), "float16"), ops.ones((2,), "bfloat16")), [2, 2], "float32")
    check(ops.multiply(ops.ones((2,), "bfloat16"), 3.0), [3, 3], "bfloat16")
    check(ops.subtract(ints, 1), [6, -8], "int32")
    nan_first = ops.convert_to_tensor([np.nan, 1.0])
    assert np.isnan(np.asarray(ops.maximum(nan_first, 2.0))[0])
    check(ops.minimum(ints, 0), [0, -7], "int32")
    check(ops.arctan2(ops.convert_to_tensor([1.0]), ops.convert_to_tensor([-1.0])), [3 * math.pi / 4], "float32")


def test_comparisons_and_logic(ops):
    a, b = ops.convert_to_tensor([1, 2, 3]), ops.convert_to_tensor([3, 2, 1])
    check(ops.less(a, b), [1, 0, 0], "bool")
    check(ops.greater_equal(a, b), [0, 1, 1], "bool")
    check(ops.not_equal(a, b), [1, 0, 1], "bool")
    check(ops.logical_xor(ops.greater(a, 1), ops.less(b, 2)), [0, 1, 0], "bool")
    check(ops.logical_not(ops.equal(a, 2)), [1, 0, 1], "bool")


def test_unary_math(ops):
    x = ops.convert_to_tensor([0.5, 1.5, 2.5, -0.5])
    check(ops.round(x), [0, 2, 2, -0], "float32")
    check(ops.floor(x), [0, 1, 2, -1], "float32")
    check(ops.ceil(x), [1, 2, 3, -0], "float32")
    check(ops.round(ops.convert_to_tensor([True, False])), [1, 0], "bool")
    check(ops.sign(ops.convert_to_tensor([-3, 0, 5])), [-1, 0, 1], "int32")
    ints = ops.convert_to_tensor([4, 16], "int8")
    check(ops.sqrt(ints), [2, 4], "float32")
    check(ops.rsqrt(ints), [0.5, 0.25], "float32")
    check(ops.reciprocal(ints), [0.25, 0.0625], "float32")
    check(ops.erf(ops.convert_to_tensor([1], "int32")), [math.erf(1)], "float32")
    tiny = ops.convert_to_tensor([1e-10])
    check(ops.expm1(tiny), [1e-10], "float32")
    check(ops.log1p(tiny), [1e-10], "float32")
    check(ops.isfinite(ops.convert_to_tensor([1.0, np.inf, np.nan])), [1, 0, 0], "bool")


def test_reductions_and_their_dtypes(ops):
    x = ops.convert_to_tensor([[1, 2, 3], [4, 5, 6]], "int8")
    check(ops.sum(x), 21, "int32")
    check(ops.sum(ops.convert_to_tensor([True, True, False])), 2, "int32")
    check(ops.sum(x, axis=0, keepdims=True), [[5, 7, 9]], "int32")
    check(ops.mean(x, axis=1), [2, 5], "float32")
    check(ops.var(x, axis=1), [2 / 3, 2 / 3], "float32")
    check(ops.std(ops.convert_to_tensor([1.0, 3.0])), 1.0, "float32")
    check(ops.prod(x, axis=(0, 1)), 720, "int32")
    check(ops.max(x, axis=-1), [3, 6], "int8")
    check(ops.logsumexp(ops.convert_to_tensor([1000.0, 1000.0])), 1000 + math.log(2), "float32")
    check(ops.any(ops.greater(x, 5), axis=1), [0, 1], "bool")
    check(ops.all(ops.greater(x, 0)), 1, "bool")


def test_indexing_math(ops):
    x = ops.convert_to_tensor([3, 1, 3, 1, 2])
    check(ops.argmax(x), 0, "int32")
    check(ops.argmin(x), 1, "int32")
    check(ops.argsort(x), [1, 3, 4, 0, 2], "int32")
    check(ops.sort(x), [1, 1, 2, 3, 3], "int32")
    values, indices = ops.top_k(ops.convert_to_tensor([3.0, 1.0, 4.0, 1.5, 5.0]), 3)
    check(values, [5, 4, 3], "float32")
    check(indices, [4, 2, 0], "int32")
    check(ops.clip(x, 2, 2.5), [2.5, 2, 2.5, 2, 2], "float32")
    check(ops.cumsum(ops.convert_to_tensor([1, 2, 3], "int8")), [1, 3, 6], "int8")
    check(ops.cumsum(ops.convert_to_tensor([True, True])), [1, 2], "int32")
    check(ops.cumprod(ops.convert_to_tensor([[1.0, 2.0], [3.0, 4.0]]), axis=0), [[1, 2], [3, 8]], "float32")


def test_linear_algebra(ops):
    a = ops.convert_to_tensor([[1.0, 2.0], [3.0, 4.0]])
    b = ops.convert_to_tensor([[5.0, 6.0], [7.0, 8.0]])
    check(ops.matmul(a, b), [[19, 22], [43, 50]], "float32")
    check(ops.matmul(ops.stack([a, b]), a), [[[7, 10], [15, 22]], [[23, 34], [31, 46]]], "float32")
    check(ops.einsum("ij,ij->i", a, b), [17, 53], "float32")
    check(ops.tensordot(a, b, axes=1), [[19, 22], [43, 50]], "float32")
    check(ops.tensordot(a, b), 70, "float32")
    check(ops.norm(ops.convert_to_tensor([3.0, 4.0])), 5, "float32")
    check(ops.norm(a, ord=1), 6, "float32")
    check(ops.norm(a, axis=1, keepdims=True), [[math.sqrt(5)], [5]], "float32")


def test_rearranging_shape_ops(ops):
    x = ops.reshape(ops.arange(6), (2, -1))
    check(x, [[0, 1, 2], [3, 4, 5]], "int32")
    check(ops.transpose(x), [[0, 3], [1, 4], [2, 5]], "int32")
    assert ops.shape(ops.moveaxis(ops.zeros((2, 3, 4)), 0, -1)) == (3, 4, 2)
    assert ops.shape(ops.expand_dims(x, (0, 3))) == (1, 2, 3, 1)
    assert ops.shape(ops.squeeze(ops.zeros((1, 2, 1)), axis=0)) == (2, 1)
    check(ops.concatenate([x, x], axis=1), [[0, 1, 2, 0, 1, 2], [3, 4, 5, 3, 4, 5]], "int32")
    first, rest = ops.split(ops.arange(5), [2])
    check(first, [0, 1], "int32")
    check(rest, [2, 3, 4], "int32")
    check(ops.tile(ops.arange(2), (2, 2)), [[0, 1, 0, 1], [0, 1, 0, 1]], "int32")
    check(ops.repeat(ops.arange(2), 2), [0, 0, 1, 1], "int32")
    check(ops.repeat(x, [1, 2], axis=0), [[0, 1, 2], [3, 4, 5], [3, 4, 5]], "int32")
    check(ops.flip(x, axis=1), [[2, 1, 0], [5, 4, 3]], "int32")
    check(ops.broadcast_to(ops.arange(2), (2, 2)), [[0, 1], [0, 1]], "int32")


def test_pad_modes(ops):
    x = ops.convert_to_tensor([1, 2, 3])
    check(ops.pad(x, ((2, 1),), constant_values=9), [9, 9, 1, 2, 3, 9], "int32")
    check(ops.pad(x, ((2, 1),), mode="reflect"), [3, 2, 1, 2, 3, 2], "int32")
    check(ops.pad(x, ((2, 1),), mode="symmetric"), [2, 1, 1, 2, 3, 3], "int32")
    with pytest.raises(ValueError, match="edge"):
        ops.pad(x, ((1, 1),), mode="edge")


def test_selection_shape_ops(ops):
    x = ops.reshape(ops.arange(6), (2, 3))
    check(ops.slice(x, (0, 1), (2, 2)), [[1, 2], [4, 5]], "int32")
    check(ops.slice_update(x, (1, 1), ops.zeros((1, 2), "int32")), [[0, 1, 2], [3, 0, 0]], "int32")
    check(ops.take(x, ops.convert_to_tensor([-1, 0]), axis=1), [[2, 0], [5, 3]], "int32")
    check(ops.take(x, ops.convert_to_tensor([4])), [4], "int32")
    check(ops.take_along_axis(x, ops.convert_to_tensor([[2], [0]]), axis=1), [[2], [3]], "int32")
    check(ops.where(ops.greater(x, 2), x, -1), [[-1, -1, -1], [3, 4, 5]], "int32")


def test_slice_refuses_blocks_outside_the_tensor(ops):
    with pytest.raises(ValueError, match="does not fit"):
        ops.slice(ops.arange(10), (8,), (3,))
    with pytest.raises(ValueError, match="does not fit"):
        ops.slice_update(ops.zeros((3,)), (2,), ops.ones((2,)))


def test_scatter_and_segments(ops):
    indices = ops.convert_to_tensor([[0, 1], [2, 0], [0, 1]])
    check(ops.scatter(indices, ops.convert_to_tensor([1.0, 2.0, 3.0]), (3, 2)), [[0, 4], [0, 0], [2, 0]], "float32")
    check(ops.scatter_update(ops.zeros((2, 2)), ops.convert_to_tensor([[1, 0]]), ops.convert_to_tensor([5.0])),
          [[0, 0], [5, 0]], "float32")
    data = ops.convert_to_tensor([[1.0, 2.0], [3.0, -4.0], [5.0, 6.0]])
    ids = ops.convert_to_tensor([0, 0, 2])
    check(ops.segment_sum(data, ids, 3), [[4, -2], [0, 0], [5, 6]], "float32")
    check(ops.segment_max(data, ids, 3), [[3, 2], [-np.inf, -np.inf], [5, 6]], "float32")
    check(ops.segment_max(ops.convert_to_tensor([1, 2]), ops.convert_to_tensor([1, 1]), 2),
          [np.iinfo(np.int32).min, 2], "int32")


def test_stop_gradient_blocks_the_gradient(ops):
    import jax

    grad = jax.grad(lambda v: ops.sum(ops.multiply(ops.stop_gradient(v), v)))(ops.convert_to_tensor([3.0]))
    check(grad, [3.0], "float32")
