"""The numpy reference backend, checked against hand-computed values, explicit per-element
loops written here, and genuinely different implementations (jax.numpy, jax.image, Keras on JAX).
"""

from __future__ import annotations

import inspect
import itertools
import math

import numpy as np
import pytest

import oneiros
from oneiros import dtypes
from oneiros import ops as dispatched
from oneiros.backend import get_backend
from oneiros.backends.numpy_reference import NumpyBackend
from oneiros.backends.numpy_reference import ops
from oneiros.errors import CapabilityError, OpError

SUPPORTED = dtypes.SUPPORTED
NUMERIC = tuple(name for name in SUPPORTED if name != "bool")
WEAK_SCALARS = (True, 3, 2.5)


@pytest.fixture(scope="module")
def jax():
    """JAX, an independent implementation; the tests without it still run where it is absent."""
    return pytest.importorskip("jax", reason="jax is the independent oracle of this test")


@pytest.fixture(scope="module")
def jnp(jax):
    return jax.numpy


@pytest.fixture(scope="module")
def keras_ops(jax):
    """Keras 3 on JAX: an independent implementation of conv_transpose."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("KERAS_BACKEND", "jax")
        import keras

    assert keras.backend.backend() == "jax", "keras was imported earlier with another backend"
    return keras.ops


def jax_result(jax, fn, *dtype_names):
    """The dtype JAX gives ``fn`` of (2, 3) arrays of these dtypes, by abstract evaluation."""
    structs = [jax.ShapeDtypeStruct((2, 3), name) for name in dtype_names]
    return jax.eval_shape(fn, *structs).dtype


def tensor(values, dtype="float32"):
    return ops.convert_to_tensor(values, dtype)


# ---------------------------------------------------------------- the backend and its contract


@pytest.mark.parametrize("name", sorted(dispatched.CONTRACT))
def test_every_contract_op_is_implemented_with_the_contract_signature(name):
    # A derived op the reference leaves out runs its definition, which has the contract's signature.
    implementation = getattr(ops, name, None) or dispatched.CONTRACT[name].definition
    assert callable(implementation), f"ops.{name} is missing"
    expected = dispatched.CONTRACT[name].signature.parameters.values()
    actual = inspect.signature(implementation).parameters.values()
    assert [(p.name, p.kind, p.default) for p in actual] == [
        (p.name, p.kind, p.default) for p in expected
    ]


def test_backend_identity_and_capabilities():
    backend = get_backend("numpy")
    assert isinstance(backend, NumpyBackend)
    assert backend.name == "numpy"
    assert backend.capabilities == frozenset()
    assert backend.ops is ops
    with pytest.raises(CapabilityError, match="trainable"):
        backend.value_and_grad(lambda params: params)
    double = backend.jit(lambda value: value * 2)
    assert double(3) == 6


# ---------------------------------------------------------------- dtypes


def test_core_result_type_agrees_with_jax_for_every_pair_and_weak_scalar(jnp):
    disagreements = []
    for first, second in itertools.product(SUPPORTED, repeat=2):
        expected = str(jnp.result_type(jnp.dtype(first), jnp.dtype(second)))
        if dtypes.result_type(first, second) != expected:
            disagreements.append((first, second, dtypes.result_type(first, second), expected))
    for name, scalar in itertools.product(SUPPORTED, WEAK_SCALARS):
        expected = str(jnp.result_type(jnp.dtype(name), scalar))
        if dtypes.result_type(name, scalar) != expected:
            disagreements.append((name, scalar, dtypes.result_type(name, scalar), expected))
    for first, second in itertools.product(WEAK_SCALARS, repeat=2):
        expected = str(jnp.result_type(first, second))
        if dtypes.result_type(first, second) != expected:
            disagreements.append((first, second, dtypes.result_type(first, second), expected))
    assert disagreements == []


def test_core_result_type_treats_numpy_float64_scalars_as_strong_like_jax(jnp):
    assert dtypes.result_type("float16", np.float64(2.0)) == str(
        jnp.result_type(jnp.float16, np.float64(2.0)))


@pytest.mark.parametrize("op_name", [
    "add", "multiply", "divide", "maximum", "arctan2", "equal", "power", "floor_divide", "mod",
    "logical_and",
])
def test_binary_op_dtypes_match_jax_for_every_pair(jax, op_name):
    jax_op = getattr(jax.numpy, op_name)
    disagreements = []
    for first, second in itertools.product(SUPPORTED, repeat=2):
        expected = str(jax_result(jax, jax_op, first, second))
        received = str(getattr(ops, op_name)(ops.zeros((2,), first), ops.zeros((2,), second)).dtype)
        if received != expected:
            disagreements.append((first, second, received, expected))
    for name, scalar in itertools.product(SUPPORTED, WEAK_SCALARS):
        if op_name in ("power", "floor_divide", "mod") and name == "bool":
            continue  # JAX refuses some bool-by-weak-scalar arithmetic outright
        expected = str(jax_result(jax, lambda value: jax_op(value, scalar), name))
        received = str(getattr(ops, op_name)(ops.zeros((2,), name), scalar).dtype)
        if received != expected:
            disagreements.append((name, scalar, received, expected))
    assert disagreements == []


def test_numpy_scalars_are_strong_operands_like_in_jax():
    half = ops.ones((2,), "float16")
    assert ops.add(half, np.float64(2.0)).dtype == np.float32
    assert ops.add(half, 2.0).dtype == np.float16


@pytest.mark.parametrize("op_name", [
    "exp", "sqrt", "log1p", "sin", "tanh", "reciprocal", "floor", "ceil", "abs", "sign", "square",
    "isnan", "logical_not",
])
def test_unary_op_dtypes_match_jax(jax, op_name):
    for name in NUMERIC:
        expected = str(jax_result(jax, getattr(jax.numpy, op_name), name))
        assert str(getattr(ops, op_name)(ops.zeros((2, 3), name)).dtype) == expected, name


@pytest.mark.parametrize("op_name", [
    "sum", "prod", "mean", "var", "std", "max", "min", "cumsum", "cumprod", "argmax", "any",
])
def test_reduction_dtypes_match_jax(jax, op_name):
    reduce = getattr(jax.numpy, op_name)
    for name in SUPPORTED:
        expected = str(jax_result(jax, lambda value: reduce(value, axis=0), name))
        assert str(getattr(ops, op_name)(ops.zeros((2, 3), name), axis=0).dtype) == expected, name


def test_contract_dtype_examples():
    ints = tensor([1, 2, 3], "int32")
    assert ops.add(ints, 0.5).dtype == np.float32
    assert ops.mean(ints).dtype == np.float32 and float(ops.mean(ints)) == 2.0
    assert ops.sum(tensor([True, True, False], "bool")).dtype == np.int32
    assert ops.argmax(tensor([[1.0, 3.0]])).dtype == np.int32
    assert ops.less(ints, 2).dtype == np.bool_
    assert ops.exp(ints).dtype == np.float32
    assert ops.divide(ints, ints).dtype == np.float32


def test_convert_to_tensor_narrows_64_bit_inputs():
    assert ops.convert_to_tensor(np.arange(3, dtype=np.int64)).dtype == np.int32
    assert ops.convert_to_tensor(np.arange(3, dtype=np.uint64)).dtype == np.uint32
    assert ops.convert_to_tensor(np.ones(2, dtype=np.float64)).dtype == np.float32
    assert ops.convert_to_tensor(1.5).dtype == np.float32
    assert ops.convert_to_tensor(7).dtype == np.int32
    assert ops.convert_to_tensor(True).dtype == np.bool_
    assert ops.convert_to_tensor([[1, 2], [3, 4]]).shape == (2, 2)
    assert isinstance(ops.convert_to_tensor(2.0), np.ndarray)
    np.testing.assert_array_equal(ops.convert_to_tensor([1.7, -1.7], "int32"), [1, -1])
    # 2**24 + 1 survives a direct float64 -> int32 conversion, not one through float32.
    assert ops.convert_to_tensor(np.array([2.0**24 + 1]), "int32").tolist() == [2**24 + 1]
    assert ops.convert_to_tensor(np.array([2**40]), "float32").tolist() == [2.0**40]


@pytest.mark.parametrize("value", [
    np.array(["a", "b"]), np.array([1 + 2j]), np.array([object()], dtype=object),
])
def test_convert_to_tensor_refuses_unsupported_dtypes_naming_them(value):
    with pytest.raises(TypeError) as raised:
        ops.convert_to_tensor(value)
    message = str(raised.value)
    assert value.dtype.name in message and "float32" in message and "bfloat16" in message


def test_convert_to_tensor_refuses_int64_values_that_do_not_fit_int32():
    with pytest.raises(OverflowError, match="int32"):
        ops.convert_to_tensor(np.array([2**40]))


def test_bfloat16_tensors_compute_in_float32_and_keep_their_dtype():
    pytest.importorskip("ml_dtypes", reason="bfloat16 needs ml_dtypes (a jax dependency)")
    value = ops.convert_to_tensor([1.0, 2.0, 3.0], "bfloat16")
    assert ops.dtype(value) == "bfloat16"
    assert ops.dtype(ops.exp(value)) == "bfloat16"
    assert ops.dtype(ops.add(value, ops.ones((3,), "float16"))) == "float32"
    assert ops.dtype(ops.sum(value)) == "bfloat16" and float(ops.sum(value)) == 6.0
    np.testing.assert_allclose(ops.exp(value).astype(np.float32), np.exp([1.0, 2.0, 3.0]),
                               rtol=2**-7)


def test_half_precision_math_is_computed_in_float32():
    # 2048 + 1 is not representable in float16; float32 accumulation gets the mean right.
    value = ops.convert_to_tensor([2048.0, 1.0, 1.0, 2.0], "float16")
    assert ops.dtype(ops.mean(value)) == "float16"
    assert float(ops.mean(value)) == 513.0


def test_creation_ops():
    np.testing.assert_array_equal(ops.arange(5), [0, 1, 2, 3, 4])
    assert ops.arange(5).dtype == np.int32
    assert ops.arange(0, 1, 0.25).dtype == np.float32
    np.testing.assert_allclose(ops.arange(0, 1, 0.25), [0, 0.25, 0.5, 0.75])
    # -1, -1/3, 1/3, 1 rounded toward minus infinity, as jax.numpy does.
    np.testing.assert_array_equal(ops.linspace(-1, 1, 4, dtype="int32"), [-1, -1, 0, 1])
    assert ops.full((2,), 3).dtype == np.int32 and ops.full((2,), 3.0).dtype == np.float32
    assert ops.full((2,), True).dtype == np.bool_
    assert ops.zeros_like(tensor([1, 2], "uint8")).dtype == np.uint8
    np.testing.assert_array_equal(ops.eye(2, 3, 1), [[0, 1, 0], [0, 0, 1]])
    assert ops.shape(ops.ones((2, 3))) == (2, 3) and ops.dtype(ops.ones((1,))) == "float32"
    assert ops.is_tensor(ops.ones((1,))) and not ops.is_tensor([1.0])
    copied = ops.to_numpy(ops.ones((2,)))
    assert type(copied) is np.ndarray


@pytest.mark.parametrize("call", [
    lambda: ops.take(tensor([1.0, 2.0]), 1),
    lambda: ops.add(tensor(1.0), tensor(2.0)),
    lambda: ops.sum(tensor([1, 2], "int32")),
    lambda: ops.argmax(tensor([1.0, 2.0])),
    lambda: ops.exp(tensor(0.0)),
    lambda: ops.where(True, 1.0, 2.0),
    lambda: ops.einsum("i,i->", tensor([1.0]), tensor([2.0])),
    lambda: ops.uniform((), seed=1),
    lambda: ops.squeeze(tensor([1.0])),
], ids=["take", "add", "sum", "argmax", "exp", "where", "einsum", "uniform", "squeeze"])
def test_scalar_results_are_arrays_not_numpy_scalars(call):
    assert type(call()) is np.ndarray


# ---------------------------------------------------------------- numerics


def test_softmax_family_is_stable_for_large_inputs():
    big = tensor([1e4, -1e4, 0.0, 1e4])
    np.testing.assert_allclose(ops.softmax(big), [0.5, 0, 0, 0.5], atol=1e-7)
    np.testing.assert_allclose(ops.log_softmax(big), [-math.log(2), -2e4 - math.log(2),
                                                      -1e4 - math.log(2), -math.log(2)],
                               rtol=1e-6)
    np.testing.assert_allclose(ops.logsumexp(big), 1e4 + math.log(2), rtol=1e-7)
    extremes = tensor([1e4, -1e4])
    np.testing.assert_array_equal(ops.softplus(extremes), [1e4, 0.0])
    np.testing.assert_array_equal(ops.sigmoid(extremes), [1.0, 0.0])
    np.testing.assert_array_equal(ops.log_sigmoid(extremes), [0.0, -1e4])
    np.testing.assert_array_equal(ops.silu(extremes), [1e4, -0.0])
    np.testing.assert_array_equal(ops.mish(extremes), [1e4, -0.0])
    for op_name in ("softmax", "log_softmax", "softplus", "sigmoid", "log_sigmoid", "elu", "selu",
                    "gelu", "silu", "mish"):
        assert np.isfinite(getattr(ops, op_name)(big)).all(), op_name


def test_logsumexp_handles_infinities_and_axes():
    value = tensor([[-np.inf, -np.inf], [0.0, 0.0], [np.inf, 1.0]])
    np.testing.assert_allclose(ops.logsumexp(value, axis=1), [-np.inf, math.log(2), np.inf],
                               rtol=1e-7)
    assert ops.logsumexp(value, axis=1, keepdims=True).shape == (3, 1)


ACTIVATION_FORMULAS = {
    "relu": lambda v: max(v, 0.0),
    "relu6": lambda v: min(max(v, 0.0), 6.0),
    "leaky_relu": lambda v: v if v >= 0 else 0.2 * v,
    "elu": lambda v: v if v > 0 else math.exp(v) - 1,
    "selu": lambda v: 1.0507009873554805 * (v if v > 0 else 1.6732632423543772 * (math.exp(v) - 1)),
    "gelu": lambda v: 0.5 * v * (1 + math.tanh(math.sqrt(2 / math.pi) * (v + 0.044715 * v**3))),
    "silu": lambda v: v / (1 + math.exp(-v)),
    "softplus": lambda v: math.log(1 + math.exp(v)),
    "softsign": lambda v: v / (1 + abs(v)),
    "sigmoid": lambda v: 1 / (1 + math.exp(-v)),
    "hard_sigmoid": lambda v: min(max(v / 6 + 0.5, 0.0), 1.0),
    "hard_silu": lambda v: v * min(max(v / 6 + 0.5, 0.0), 1.0),
    "log_sigmoid": lambda v: -math.log(1 + math.exp(-v)),
    "mish": lambda v: v * math.tanh(math.log(1 + math.exp(v))),
}


@pytest.mark.parametrize("op_name", sorted(ACTIVATION_FORMULAS))
def test_activations_match_their_formulas(op_name):
    points = [-7.5, -3.0, -1.0, -0.25, 0.0, 0.3, 1.0, 2.5, 6.5, 9.0]
    expected = [ACTIVATION_FORMULAS[op_name](v) for v in points]
    np.testing.assert_allclose(getattr(ops, op_name)(tensor(points)), expected, rtol=2e-6,
                               atol=1e-7)


def test_exact_gelu_and_erf_use_the_error_function():
    points = [-3.0, -0.5, 0.0, 0.7, 2.0]
    np.testing.assert_allclose(ops.erf(tensor(points)), [math.erf(v) for v in points], rtol=1e-6)
    np.testing.assert_allclose(ops.gelu(tensor(points), approximate=False),
                               [0.5 * v * (1 + math.erf(v / math.sqrt(2))) for v in points],
                               rtol=1e-6, atol=1e-7)


def test_elementwise_semantics():
    np.testing.assert_array_equal(ops.mod(tensor([-7, 7], "int32"), 3), [2, 1])
    np.testing.assert_array_equal(ops.floor_divide(tensor([-7.0, 7.0]), 2), [-4, 3])
    np.testing.assert_array_equal(ops.round(tensor([0.5, 1.5, 2.5, -0.5])), [0, 2, 2, -0])
    np.testing.assert_array_equal(ops.cast(tensor([1.9, -1.9]), "int32"), [1, -1])
    np.testing.assert_array_equal(ops.maximum(tensor([np.nan, 1.0]), 0.5)[1:], [1.0])
    assert np.isnan(ops.maximum(tensor([np.nan]), 0.5)[0])
    np.testing.assert_array_equal(ops.clip(tensor([-2.0, 0.5, 3.0]), 0, 1), [0, 0.5, 1])
    np.testing.assert_allclose(ops.rsqrt(tensor([4.0, 16.0])), [0.5, 0.25])
    np.testing.assert_array_equal(ops.log(tensor([0.0])), [-np.inf])


def test_linear_algebra_against_jax(jnp):
    rng = np.random.default_rng(0)
    a = rng.standard_normal((2, 3, 4)).astype(np.float32)
    b = rng.standard_normal((4, 5)).astype(np.float32)
    np.testing.assert_allclose(ops.matmul(a, b), jnp.matmul(a, b), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(ops.einsum("bij,jk->bki", a, b), jnp.einsum("bij,jk->bki", a, b),
                               rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(ops.tensordot(a, b, axes=1), jnp.tensordot(a, b, axes=1),
                               rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(ops.norm(b), math.sqrt(float((b.astype(np.float64) ** 2).sum())),
                               rtol=1e-6)
    np.testing.assert_allclose(ops.norm(b, ord=2), jnp.linalg.norm(b, ord=2), rtol=1e-5)


# ---------------------------------------------------------------- sorting, selection, segments


def test_top_k_returns_largest_first_with_ties_by_lower_index():
    values, indices = ops.top_k(tensor([[1.0, 3.0, 3.0, 2.0, 3.0], [5.0, 4.0, 4.0, 4.0, 6.0]]), 3)
    np.testing.assert_array_equal(values, [[3, 3, 3], [6, 5, 4]])
    np.testing.assert_array_equal(indices, [[1, 2, 4], [4, 0, 1]])
    assert indices.dtype == np.int32
    int_values, int_indices = ops.top_k(tensor([0, 0, 7, 0], "uint8"), 2)
    np.testing.assert_array_equal(int_values, [7, 0])
    np.testing.assert_array_equal(int_indices, [2, 0])


def test_sort_and_stable_argsort():
    value = tensor([3.0, 1.0, 2.0, 1.0, 3.0])
    np.testing.assert_array_equal(ops.sort(value), [1, 1, 2, 3, 3])
    np.testing.assert_array_equal(ops.argsort(value), [1, 3, 2, 0, 4])
    assert ops.argsort(value).dtype == np.int32


def test_one_hot_out_of_range_gives_zeros_and_axis_places_classes():
    encoded = ops.one_hot(tensor([0, 2, 3, -1], "int32"), 3)
    np.testing.assert_array_equal(encoded, [[1, 0, 0], [0, 0, 1], [0, 0, 0], [0, 0, 0]])
    assert encoded.dtype == np.float32
    assert ops.one_hot(tensor([[0, 1]], "int32"), 4, axis=0).shape == (4, 1, 2)
    with pytest.raises(TypeError, match="integer"):
        ops.one_hot(tensor([0.0, 1.0]), 3)


def test_segment_ops():
    data = tensor([[1.0, 2.0], [3.0, -4.0], [5.0, 6.0], [-7.0, 8.0]])
    ids = tensor([0, 2, 0, 2], "int32")
    np.testing.assert_array_equal(ops.segment_sum(data, ids, 4),
                                  [[6, 8], [0, 0], [-4, 4], [0, 0]])
    maxima = ops.segment_max(data, ids, 3)
    np.testing.assert_array_equal(maxima, [[5, 6], [-np.inf, -np.inf], [3, 8]])
    int_maxima = ops.segment_max(tensor([4, 9], "int32"), tensor([1, 1], "int32"), 2)
    np.testing.assert_array_equal(int_maxima, [np.iinfo(np.int32).min, 9])
    with pytest.raises(ValueError, match="num_segments"):
        ops.segment_sum(data, tensor([0, 1, 2, 3], "int32"), 3)


def test_scatter_adds_duplicates_and_scatter_update_replaces():
    indices = tensor([[0, 1], [2, 0], [0, 1]], "int32")
    np.testing.assert_array_equal(ops.scatter(indices, tensor([1.0, 2.0, 3.0]), (3, 2)),
                                  [[0, 4], [0, 0], [2, 0]])
    rows = ops.scatter(tensor([[1], [1]], "int32"), tensor([[1.0, 2.0], [3.0, 4.0]]), (2, 2))
    np.testing.assert_array_equal(rows, [[0, 0], [4, 6]])
    base = ops.zeros((2, 2))
    updated = ops.scatter_update(base, tensor([[1, 0]], "int32"), tensor([9.0]))
    np.testing.assert_array_equal(updated, [[0, 0], [9, 0]])
    np.testing.assert_array_equal(base, np.zeros((2, 2)))


def test_slice_and_slice_update():
    value = ops.reshape(ops.arange(12), (3, 4))
    np.testing.assert_array_equal(ops.slice(value, (1, 1), (2, 2)), [[5, 6], [9, 10]])
    updated = ops.slice_update(value, (0, 2), tensor([[-1, -2]], "int32"))
    np.testing.assert_array_equal(updated[0], [0, 1, -1, -2])
    assert value[0, 2] == 2
    with pytest.raises(ValueError, match="does not fit"):
        ops.slice(value, (2, 0), (2, 2))


def test_shape_ops():
    value = ops.reshape(ops.arange(6), (2, 3))
    assert ops.transpose(value).shape == (3, 2)
    assert ops.moveaxis(ops.zeros((2, 3, 4)), 0, -1).shape == (3, 4, 2)
    assert ops.expand_dims(value, (0, 3)).shape == (1, 2, 3, 1)
    assert ops.squeeze(ops.zeros((1, 2, 1))).shape == (2,)
    assert ops.concatenate([value, ops.ones((1, 3), "float32")]).dtype == np.float32
    assert ops.stack([value, value], axis=1).shape == (2, 2, 3)
    assert [part.shape for part in ops.split(value, 3, axis=1)] == [(2, 1)] * 3
    np.testing.assert_array_equal(ops.repeat(tensor([1, 2], "int32"), 2), [1, 1, 2, 2])
    np.testing.assert_array_equal(ops.tile(tensor([1, 2], "int32"), 2), [1, 2, 1, 2])
    np.testing.assert_array_equal(ops.pad(tensor([1, 2, 3], "int32"), [(1, 2)], "reflect"),
                                  [2, 1, 2, 3, 2, 1])
    np.testing.assert_array_equal(ops.pad(tensor([1.0]), [(1, 1)], constant_values=7), [7, 1, 7])
    np.testing.assert_array_equal(ops.take(value, tensor([-1, 0], "int32"), axis=1),
                                  [[2, 0], [5, 3]])
    np.testing.assert_array_equal(
        ops.take_along_axis(value, tensor([[2], [0]], "int32"), axis=1), [[2], [3]])
    np.testing.assert_array_equal(ops.where(tensor([True, False], "bool"), 1, 2.5), [1, 2.5])
    assert ops.broadcast_to(tensor([1.0]), (2, 3)).shape == (2, 3)
    np.testing.assert_array_equal(ops.flip(value, 1)[0], [2, 1, 0])


# ---------------------------------------------------------------- convolution


def same_or_valid(size, window, stride, padding):
    """(output size, padding before) of one axis, written from the TF/Keras definition."""
    if padding == "same":
        out = -(-size // stride)
        total = max((out - 1) * stride + window - size, 0)
        return out, total // 2
    return (size - window) // stride + 1, 0


def loop_conv(x, kernel, strides, padding, dilation):
    """Grouped cross-correlation, one output element at a time (channels-last, float64)."""
    rank = x.ndim - 2
    batch, *spatial, channels = x.shape
    *kernel_spatial, group_in, out_channels = kernel.shape
    group_out = out_channels // (channels // group_in)
    geometry = [same_or_valid(size, (k - 1) * d + 1, s, padding)
                for size, k, s, d in zip(spatial, kernel_spatial, strides, dilation)]
    result = np.zeros((batch, *[out for out, _ in geometry], out_channels))
    for n, position, oc in itertools.product(range(batch),
                                             np.ndindex(*[out for out, _ in geometry]),
                                             range(out_channels)):
        group = oc // group_out
        total = 0.0
        for tap in np.ndindex(*kernel_spatial):
            source = [p * s + t * d - before for p, s, t, d, (_, before)
                      in zip(position, strides, tap, dilation, geometry)]
            if all(0 <= i < size for i, size in zip(source, spatial)):
                for ci in range(group_in):
                    total += x[(n, *source, group * group_in + ci)] * kernel[(*tap, ci, oc)]
        result[(n, *position, oc)] = total
    assert rank == len(geometry)
    return result


def test_conv_hand_computed_1d_same_with_stride():
    x = tensor([1.0, 2.0, 3.0, 4.0, 5.0]).reshape(1, 5, 1)
    kernel = tensor([1.0, 0.0, -1.0]).reshape(3, 1, 1)
    # 'same' with stride 2: 3 outputs, total padding (3-1)*2 + 3 - 5 = 2, one zero each side:
    # windows [0,1,2], [2,3,4], [4,5,0] -> 0-2, 2-4, 4-0.
    np.testing.assert_array_equal(ops.conv(x, kernel, 2, "same").reshape(-1), [-2, -2, 4])
    # stride 1 'valid' with dilation 2: the single window [1,3,5] -> 1-5.
    np.testing.assert_array_equal(ops.conv(x, kernel, 1, "valid", dilation_rate=2).reshape(-1),
                                  [-4])


def test_conv_hand_computed_even_kernel_same_pads_the_extra_one_after():
    x = tensor([1.0, 2.0, 3.0]).reshape(1, 3, 1)
    kernel = tensor([1.0, 10.0]).reshape(2, 1, 1)
    # total padding 1, all after: windows [1,2], [2,3], [3,0].
    np.testing.assert_array_equal(ops.conv(x, kernel, 1, "same").reshape(-1), [21, 32, 3])


def test_conv_hand_computed_groups():
    x = tensor([[1.0, 2.0, 3.0, 4.0]]).reshape(1, 1, 4)
    kernel = tensor([[1.0, 10.0], [100.0, 1000.0]]).reshape(1, 2, 2)
    # Two groups of 2 input channels, one output each: 1*1+2*100, 3*10+4*1000.
    np.testing.assert_array_equal(ops.conv(x, kernel).reshape(-1), [201, 4030])


CONV_CASES = [
    # (input shape (N, *spatial, C), kernel shape, strides, padding, dilation)
    ((2, 7, 3), (3, 3, 4), 1, "valid", 1),
    ((1, 9, 4), (3, 2, 6), 2, "same", 1),
    ((1, 8, 2), (2, 2, 3), 3, "same", 2),
    ((1, 6, 5, 2), (3, 3, 2, 3), (2, 1), "same", 1),
    ((2, 5, 6, 4), (2, 3, 2, 4), 1, "same", (2, 1)),
    ((1, 7, 7, 6), (3, 3, 2, 6), 2, "valid", 1),
    ((1, 4, 4, 4, 2), (2, 3, 2, 1, 4), (1, 2, 1), "same", 1),
    ((1, 5, 4, 3, 2), (2, 2, 2, 2, 2), 1, "valid", (2, 1, 1)),
]


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
@pytest.mark.parametrize("x_shape, kernel_shape, strides, padding, dilation", CONV_CASES)
def test_conv_matches_a_per_output_loop(x_shape, kernel_shape, strides, padding, dilation,
                                        data_format):
    rng = np.random.default_rng(1)
    x = rng.standard_normal(x_shape).astype(np.float32)
    kernel = rng.standard_normal(kernel_shape).astype(np.float32)
    rank = len(x_shape) - 2
    as_tuple = lambda value: value if isinstance(value, tuple) else (value,) * rank  # noqa: E731
    expected = loop_conv(x.astype(np.float64), kernel.astype(np.float64), as_tuple(strides),
                         padding, as_tuple(dilation))
    inputs = x if data_format == "channels_last" else np.moveaxis(x, -1, 1)
    result = ops.conv(inputs, kernel, strides, padding, data_format, dilation)
    if data_format == "channels_first":
        result = np.moveaxis(result, 1, -1)
    assert result.dtype == np.float32
    np.testing.assert_allclose(result, expected, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("strides, padding, dilation", [(1, "valid", 1), (2, "same", 1),
                                                         (1, "same", 2)])
def test_depthwise_conv_matches_a_per_channel_loop(strides, padding, dilation):
    rng = np.random.default_rng(2)
    x = rng.standard_normal((2, 6, 5, 3)).astype(np.float32)
    kernel = rng.standard_normal((3, 2, 3, 2)).astype(np.float32)
    per_channel = [
        loop_conv(x[..., c:c + 1].astype(np.float64), kernel[:, :, c:c + 1, :].astype(np.float64),
                  (strides,) * 2, padding, (dilation,) * 2)
        for c in range(3)
    ]
    # Output channel c * multiplier + m comes from input channel c and kernel[..., c, m].
    expected = np.concatenate(per_channel, axis=-1)
    result = ops.depthwise_conv(x, kernel, strides, padding, dilation_rate=dilation)
    np.testing.assert_allclose(result, expected, rtol=1e-5, atol=1e-5)


CONV_TRANSPOSE_CASES = [
    # (input spatial shape, kernel spatial shape, strides, padding, output_padding, dilation)
    ((5,), (3,), 1, "valid", None, 1),
    ((5,), (3,), 2, "valid", None, 1),
    ((4,), (2,), 3, "valid", None, 1),
    ((4,), (3,), 2, "valid", 1, 1),
    ((5,), (3,), 2, "same", None, 1),
    ((5,), (4,), 2, "same", None, 1),
    ((5,), (3,), 2, "same", 1, 1),
    ((5,), (4,), 3, "same", 0, 1),
    ((5,), (3,), 1, "same", None, 2),
    ((4, 5), (3, 2), (2, 1), "same", None, 1),
    ((3, 4), (3, 3), 2, "valid", (1, 0), 1),
    ((3, 3), (2, 3), (1, 2), "same", (0, 1), 1),
]


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
@pytest.mark.parametrize("spatial, kernel_spatial, strides, padding, output_padding, dilation",
                         CONV_TRANSPOSE_CASES)
def test_conv_transpose_matches_keras(keras_ops, spatial, kernel_spatial, strides, padding,
                                      output_padding, dilation, data_format):
    rng = np.random.default_rng(3)
    x = rng.standard_normal((2, *spatial, 3)).astype(np.float32)
    kernel = rng.standard_normal((*kernel_spatial, 4, 3)).astype(np.float32)
    inputs = x if data_format == "channels_last" else np.moveaxis(x, -1, 1)
    expected = np.asarray(keras_ops.conv_transpose(
        inputs, kernel, strides, padding, output_padding, data_format, dilation))
    result = ops.conv_transpose(inputs, kernel, strides, padding, output_padding, data_format,
                                dilation)
    assert result.shape == expected.shape
    np.testing.assert_allclose(result, expected, rtol=1e-5, atol=1e-5)


def test_conv_transpose_is_the_adjoint_of_conv():
    # <conv(x, k), y> == <x, conv_transpose(y, k)> for 'valid' stride-2 shapes that round-trip.
    rng = np.random.default_rng(4)
    x = rng.standard_normal((1, 7, 2)).astype(np.float32)
    kernel = rng.standard_normal((3, 2, 4)).astype(np.float32)
    y = rng.standard_normal((1, 3, 4)).astype(np.float32)
    forward = ops.conv(x, kernel, 2, "valid")
    backward = ops.conv_transpose(y, kernel, 2, "valid", output_padding=0)
    assert backward.shape == x.shape
    np.testing.assert_allclose(float((forward * y).sum()), float((x * backward).sum()),
                               rtol=1e-5)


# ---------------------------------------------------------------- pooling and resizing


def loop_pool(x, window, strides, padding, reduce):
    """Pooling one output element at a time over the real (unpadded) elements of its window."""
    batch, *spatial, channels = x.shape
    geometry = [same_or_valid(size, w, s, padding) for size, w, s in zip(spatial, window, strides)]
    result = np.zeros((batch, *[out for out, _ in geometry], channels))
    for n, position, c in itertools.product(range(batch),
                                            np.ndindex(*[out for out, _ in geometry]),
                                            range(channels)):
        members = []
        for tap in np.ndindex(*window):
            source = [p * s + t - before for p, s, t, (_, before)
                      in zip(position, strides, tap, geometry)]
            if all(0 <= i < size for i, size in zip(source, spatial)):
                members.append(x[(n, *source, c)])
        result[(n, *position, c)] = reduce(members)
    return result


def test_pooling_hand_computed():
    x = ops.reshape(ops.arange(16, dtype="float32"), (1, 4, 4, 1))
    # 'same', window 3, stride 2: padding 0 before and 1 after on each axis.
    np.testing.assert_array_equal(ops.max_pool(x, 3, 2, "same")[0, ..., 0], [[10, 11], [14, 15]])
    np.testing.assert_array_equal(ops.average_pool(x, 3, 2, "same")[0, ..., 0],
                                  [[5, 6.5], [11, 12.5]])
    np.testing.assert_array_equal(ops.max_pool(x, 2)[0, ..., 0], [[5, 7], [13, 15]])
    np.testing.assert_array_equal(ops.average_pool(x, 2)[0, ..., 0], [[2.5, 4.5], [10.5, 12.5]])
    negative = tensor([-5.0, -3.0, -4.0]).reshape(1, 3, 1)
    np.testing.assert_array_equal(ops.max_pool(negative, 2, 2, "same").reshape(-1), [-3, -4])


POOL_CASES = [
    ((2, 7, 3), 3, 2, "valid"),
    ((1, 7, 2), 3, 2, "same"),
    ((1, 6, 5, 2), (2, 3), (1, 2), "same"),
    ((1, 5, 5, 1), 2, None, "valid"),
    ((1, 4, 5, 3, 2), 2, (2, 1, 2), "same"),
]


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
@pytest.mark.parametrize("x_shape, pool_size, strides, padding", POOL_CASES)
def test_pooling_matches_a_per_window_loop(x_shape, pool_size, strides, padding, data_format):
    rng = np.random.default_rng(5)
    x = rng.standard_normal(x_shape).astype(np.float32)
    rank = len(x_shape) - 2
    window = pool_size if isinstance(pool_size, tuple) else (pool_size,) * rank
    if strides is None:
        steps = window
    else:
        steps = strides if isinstance(strides, tuple) else (strides,) * rank
    inputs = x if data_format == "channels_last" else np.moveaxis(x, -1, 1)
    for op_name, reduce in (("max_pool", max), ("average_pool", lambda m: sum(m) / len(m))):
        result = getattr(ops, op_name)(inputs, pool_size, strides, padding, data_format)
        if data_format == "channels_first":
            result = np.moveaxis(result, 1, -1)
        expected = loop_pool(x.astype(np.float64), window, steps, padding, reduce)
        np.testing.assert_allclose(result, expected, rtol=1e-6, atol=1e-6, err_msg=op_name)


def test_resize_hand_computed_bilinear_upsampling():
    image = tensor([[0.0, 1.0], [2.0, 3.0]]).reshape(1, 2, 2, 1)
    # Output centres map to input coordinates -0.25, 0.25, 0.75, 1.25, clamped to [0, 1].
    expected_row = [0.0, 0.25, 0.75, 1.0]
    expected = np.array([[r * 2 + c for c in expected_row] for r in expected_row])
    np.testing.assert_allclose(ops.resize(image, (4, 4))[0, ..., 0], expected)
    np.testing.assert_array_equal(ops.resize(image, (4, 4), "nearest")[0, ..., 0],
                                  [[0, 0, 1, 1], [0, 0, 1, 1], [2, 2, 3, 3], [2, 2, 3, 3]])


@pytest.mark.parametrize("interpolation, method", [("nearest", "nearest"), ("bilinear", "linear")])
@pytest.mark.parametrize("size", [(9, 14), (3, 2), (5, 7), (6, 4), (1, 1)])
def test_resize_matches_jax_image_resize(jax, interpolation, method, size):
    rng = np.random.default_rng(6)
    images = rng.standard_normal((2, 6, 5, 3)).astype(np.float32)
    expected = jax.image.resize(images, (2, *size, 3), method=method, antialias=False)
    result = ops.resize(images, size, interpolation)
    np.testing.assert_allclose(result, expected, rtol=1e-5, atol=1e-5)
    first = ops.resize(np.moveaxis(images, -1, 1), size, interpolation, "channels_first")
    np.testing.assert_allclose(np.moveaxis(first, 1, -1), expected, rtol=1e-5, atol=1e-5)


def test_resize_dtypes():
    pixels = ops.ones((1, 4, 4, 1), "uint8")
    assert ops.resize(pixels, (2, 2), "nearest").dtype == np.uint8
    assert ops.resize(pixels, (2, 2), "bilinear").dtype == np.float32
    assert ops.resize(ops.ones((4, 4, 3)), (2, 3)).shape == (2, 3, 3)


# ---------------------------------------------------------------- control flow


def test_scan_with_pytrees_matches_jax_lax_scan(jax):
    def step(carry, x):
        total = carry["total"] + x[0] * x[1]["scale"]
        count = carry["count"] + 1
        return {"total": total, "count": count}, [total, (count, x[0])]

    init = {"total": np.zeros(2, np.float32), "count": np.int32(0)}
    xs = (np.arange(8, dtype=np.float32).reshape(4, 2),
          {"scale": np.array([1.0, -1.0, 2.0, 0.5], np.float32)})

    def jax_step(carry, x):
        total = carry["total"] + x[0] * x[1]["scale"]
        count = carry["count"] + 1
        return {"total": total, "count": count}, [total, (count, x[0])]

    for reverse in (False, True):
        carry, ys = ops.scan(step, init, xs, reverse=reverse)
        jax_carry, jax_ys = jax.lax.scan(jax_step, init, xs, reverse=reverse)
        np.testing.assert_allclose(carry["total"], jax_carry["total"])
        assert int(carry["count"]) == 4
        assert isinstance(ys, list) and isinstance(ys[1], tuple)
        np.testing.assert_allclose(ys[0], jax_ys[0])
        np.testing.assert_array_equal(ys[1][0], jax_ys[1][0])
        np.testing.assert_array_equal(ys[1][1], jax_ys[1][1])


def test_scan_with_length_and_no_xs():
    carry, ys = ops.scan(lambda c, _: (c * 2, c), tensor(1, "int32"), length=5)
    assert int(carry) == 32
    np.testing.assert_array_equal(ys, [1, 2, 4, 8, 16])
    carry, ys = ops.scan(lambda c, x: (c + x, x * 2), tensor(0.0), ops.zeros((0, 3)))
    assert float(carry) == 0.0 and ys.shape == (0, 3)


def test_scan_refuses_a_carry_that_changes_dtype_or_shape():
    with pytest.raises(TypeError, match="structure, shapes and dtypes"):
        ops.scan(lambda c, x: (c + 0.5, x), tensor(0, "int32"), ops.zeros((3,)))
    with pytest.raises(TypeError, match="structure, shapes and dtypes"):
        ops.scan(lambda c, x: ((c, c), x), tensor(0.0), ops.zeros((3,)))
    with pytest.raises(ValueError, match="agree"):
        ops.scan(lambda c, x: (c, x), tensor(0.0), (ops.zeros((3,)), ops.zeros((4,))))


def test_cond_and_fori_loop():
    added = ops.cond(tensor(True, "bool"), lambda a, b: a + b, lambda a, b: a - b, 5.0, 2.0)
    assert float(added) == 7
    assert float(ops.cond(False, lambda a: a, lambda a: -a, 3.0)) == -3
    with pytest.raises(TypeError, match="scalar"):
        ops.cond(tensor([True, False], "bool"), lambda: 1, lambda: 2)
    result = ops.fori_loop(1, 5, lambda i, c: (c[0] + i, c[1] * 2),
                           (tensor(0, "int32"), tensor(1.0)))
    assert int(result[0]) == 10 and float(result[1]) == 16
    assert ops.stop_gradient(tensor([1.0])).tolist() == [1.0]


# ---------------------------------------------------------------- random


def test_seeds_and_keys():
    key = ops.make_seed(2**40 + 5)
    assert key.dtype == np.uint32 and key.tolist() == [256, 5]
    children = ops.split_seed(key, 3)
    assert children.shape == (3, 2) and children.dtype == np.uint32
    np.testing.assert_array_equal(children, ops.split_seed(key, 3))
    assert len({tuple(child) for child in children.tolist()}) == 3
    with pytest.raises(ValueError, match="2\\*\\*63"):
        ops.make_seed(-1)


@pytest.mark.parametrize("op_name, args", [
    ("uniform", ((50,),)), ("normal", ((50,),)), ("truncated_normal", ((50,),)),
    ("randint", ((50,), 0, 1000)), ("bernoulli", ((50,),)),
    ("dropout", (np.ones(50, np.float32), 0.5)), ("shuffle", (np.arange(50),)),
    ("categorical", (np.zeros((2, 10), np.float32), 25)),
])
def test_random_ops_are_reproducible_from_ints_and_keys(op_name, args):
    fn = getattr(ops, op_name)
    first = fn(*args, seed=7)
    np.testing.assert_array_equal(first, fn(*args, seed=7))
    np.testing.assert_array_equal(first, fn(*args, seed=ops.make_seed(7)))
    assert not np.array_equal(first, fn(*args, seed=8))


def test_no_seed_draws_fresh_numbers_each_call():
    assert not np.array_equal(ops.uniform((50,)), ops.uniform((50,)))


def test_random_distributions():
    uniform = ops.uniform((20000,), -2.0, 3.0, seed=1)
    assert uniform.dtype == np.float32 and uniform.min() >= -2 and uniform.max() < 3
    assert abs(float(uniform.mean()) - 0.5) < 0.05
    half = ops.uniform((20000,), 0.0, 1.0, "float16", seed=1)
    assert half.dtype == np.float16 and float(half.max()) < 1.0
    normal = ops.normal((20000,), 1.0, 2.0, seed=2)
    assert abs(float(normal.mean()) - 1.0) < 0.06 and abs(float(normal.std()) - 2.0) < 0.06
    truncated = ops.truncated_normal((20000,), 1.0, 2.0, seed=3)
    assert truncated.min() > -3.0 and truncated.max() < 5.0
    # A standard normal restricted to (-2, 2) has standard deviation ~0.8796.
    assert abs(float(truncated.std()) / 2.0 - 0.8796) < 0.02
    integers = ops.randint((5000,), -3, 4, seed=4)
    assert integers.dtype == np.int32 and set(integers.tolist()) == set(range(-3, 4))
    assert abs(float(ops.bernoulli((20000,), 0.3, seed=5).mean()) - 0.3) < 0.015
    shuffled = ops.shuffle(ops.reshape(ops.arange(20), (10, 2)), seed=6)
    assert sorted(shuffled[:, 0].tolist()) == list(range(0, 20, 2))
    np.testing.assert_array_equal(shuffled[:, 1] - shuffled[:, 0], np.ones(10))


def test_dropout_zeroes_at_rate_and_scales_the_rest():
    dropped = ops.dropout(ops.ones((200, 200)), 0.3, seed=9)
    kept = dropped[dropped != 0]
    np.testing.assert_allclose(kept, 1 / 0.7, rtol=1e-6)
    assert abs(1 - kept.size / dropped.size - 0.3) < 0.01
    rows = ops.dropout(ops.ones((300, 4)), 0.5, noise_shape=(300, 1), seed=9)
    assert all(len(set(row.tolist())) == 1 for row in rows)
    np.testing.assert_array_equal(ops.dropout(tensor([1.0, 2.0]), 0.0, seed=1), [1.0, 2.0])


def test_categorical_draws_from_softmax_of_logits():
    logits = tensor([[0.0, 1.0, 2.0, -np.inf]])
    samples = ops.categorical(logits, 30000, seed=10)
    assert samples.shape == (1, 30000) and samples.dtype == np.int32
    frequencies = np.bincount(samples[0], minlength=4) / samples.size
    probabilities = np.exp([0.0, 1.0, 2.0]) / np.exp([0.0, 1.0, 2.0]).sum()
    np.testing.assert_allclose(frequencies[:3], probabilities, atol=0.012)
    assert frequencies[3] == 0


# ---------------------------------------------------------------- errors through the dispatcher


def op_error(call) -> str:
    with oneiros.backend_scope("numpy"), pytest.raises(OpError) as raised:
        call()
    return str(raised.value)


def test_errors_name_the_op_and_the_received_shapes():
    message = op_error(lambda: dispatched.add(np.ones((2, 3), np.float32),
                                              np.ones((4,), np.float32)))
    assert "ops.add" in message and "float32[2, 3]" in message and "float32[4]" in message
    assert "broadcast" in message
    message = op_error(lambda: dispatched.sum(np.ones((2, 3), np.float32), axis=2))
    assert "ops.sum" in message and "float32[2, 3]" in message and "axis 2" in message
    message = op_error(lambda: dispatched.conv(np.ones((1, 5, 5, 3), np.float32),
                                               np.ones((3, 3, 2, 4), np.float32)))
    assert "ops.conv" in message and "float32[1, 5, 5, 3]" in message and "divisible" in message
    message = op_error(lambda: dispatched.convert_to_tensor(np.array(["x"])))
    assert "ops.convert_to_tensor" in message and "str" in message and "float32" in message
    message = op_error(lambda: dispatched.matmul(np.ones((2, 3), np.float32),
                                                 np.ones((2, 3), np.float32)))
    assert "ops.matmul" in message and "float32[2, 3]" in message
    message = op_error(lambda: dispatched.cast(np.ones(2, np.float32), "complex64"))
    assert "ops.cast" in message and "complex64" in message
    message = op_error(lambda: dispatched.max_pool(np.ones((4, 4), np.float32), 2))
    assert "ops.max_pool" in message and "ndim 3-5" in message
    message = op_error(lambda: dispatched.top_k(np.ones((2, 3), np.float32), 4))
    assert "ops.top_k" in message and "k=4" in message
