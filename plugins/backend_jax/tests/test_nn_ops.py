"""Activations, convolution, pooling and resizing against hand-written numpy loops and Keras."""

import itertools
import math
import os

import numpy as np
import pytest
from oneiros.backend import get_backend


@pytest.fixture(scope="module")
def ops():
    return get_backend("jax").ops


@pytest.fixture(scope="module")
def keras_ops():
    os.environ["KERAS_BACKEND"] = "jax"
    import keras

    assert keras.backend.backend() == "jax"
    return keras.ops


@pytest.fixture(scope="module")
def rng():
    return np.random.default_rng(7)


def _sigmoid(v):
    return 1 / (1 + math.exp(-v))


SELU_ALPHA, SELU_SCALE = 1.6732632423543772, 1.0507009873554805
POINTS = (-3.0, -0.5, 0.0, 0.7, 4.0)
ACTIVATIONS = {
    "relu": lambda v: max(v, 0.0),
    "relu6": lambda v: min(max(v, 0.0), 6.0),
    "leaky_relu": lambda v: v if v >= 0 else 0.2 * v,
    "elu": lambda v: v if v > 0 else math.exp(v) - 1,
    "selu": lambda v: SELU_SCALE * (v if v > 0 else SELU_ALPHA * (math.exp(v) - 1)),
    "gelu": lambda v: 0.5 * v * (1 + math.tanh(math.sqrt(2 / math.pi) * (v + 0.044715 * v**3))),
    "silu": lambda v: v * _sigmoid(v),
    "softplus": lambda v: math.log1p(math.exp(v)),
    "softsign": lambda v: v / (1 + abs(v)),
    "sigmoid": _sigmoid,
    "hard_sigmoid": lambda v: min(max(v / 6 + 0.5, 0.0), 1.0),
    "hard_silu": lambda v: v * min(max(v / 6 + 0.5, 0.0), 1.0),
    "log_sigmoid": lambda v: math.log(_sigmoid(v)),
    "mish": lambda v: v * math.tanh(math.log1p(math.exp(v))),
}


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_activation_matches_its_formula(ops, name):
    x = ops.convert_to_tensor(POINTS)
    expected = [ACTIVATIONS[name](v) for v in POINTS]
    np.testing.assert_allclose(np.asarray(getattr(ops, name)(x)), expected, rtol=1e-5, atol=1e-6)


def test_activation_arguments_and_extremes(ops):
    x = ops.convert_to_tensor([-2.0, 1.0])
    np.testing.assert_allclose(np.asarray(ops.leaky_relu(x, 0.5)), [-1.0, 1.0])
    np.testing.assert_allclose(np.asarray(ops.elu(x, 2.0)), [2 * (math.exp(-2) - 1), 1.0], rtol=1e-6)
    exact = [v * 0.5 * (1 + math.erf(v / math.sqrt(2))) for v in (-2.0, 1.0)]
    np.testing.assert_allclose(np.asarray(ops.gelu(x, approximate=False)), exact, rtol=1e-6)
    big = ops.convert_to_tensor([-200.0, 200.0])
    np.testing.assert_allclose(np.asarray(ops.softplus(big)), [0.0, 200.0], atol=1e-6)
    np.testing.assert_allclose(np.asarray(ops.log_sigmoid(big)), [-200.0, 0.0], atol=1e-6)
    np.testing.assert_allclose(np.asarray(ops.sigmoid(big)), [0.0, 1.0], atol=1e-6)
    assert ops.dtype(ops.relu(ops.cast(x, "bfloat16"))) == "bfloat16"
    integers = ops.convert_to_tensor([-2, 3])
    np.testing.assert_allclose(np.asarray(ops.relu(integers)), [0.0, 3.0])
    assert ops.dtype(ops.relu(integers)) == ops.dtype(ops.sigmoid(integers)) == "float32"


def test_softmax_is_stable_and_normalised(ops):
    x = ops.convert_to_tensor([[1000.0, 1001.0], [0.0, 0.0]])
    low, high = 1 / (1 + math.e), math.e / (1 + math.e)
    np.testing.assert_allclose(np.asarray(ops.softmax(x)), [[low, high], [0.5, 0.5]], rtol=1e-6)
    np.testing.assert_allclose(np.asarray(ops.log_softmax(x, axis=-1))[0], [math.log(low), math.log(high)], rtol=1e-6)
    np.testing.assert_allclose(np.asarray(ops.softmax(x, axis=(0, 1))).sum(), 1.0, rtol=1e-6)


def test_one_hot_gives_zeros_out_of_range(ops):
    encoded = ops.one_hot(ops.convert_to_tensor([0, 2, 3, -1]), 3)
    assert ops.dtype(encoded) == "float32"
    np.testing.assert_array_equal(np.asarray(encoded), [[1, 0, 0], [0, 0, 1], [0, 0, 0], [0, 0, 0]])
    np.testing.assert_array_equal(np.asarray(ops.one_hot(ops.convert_to_tensor([1]), 2, axis=0, dtype="int8")),
                                  [[0], [1]])


def test_moments(ops):
    mean, variance = ops.moments(ops.convert_to_tensor([[1.0, 2.0, 3.0], [5.0, 5.0, 5.0]]), [1], keepdims=True)
    np.testing.assert_allclose(np.asarray(mean), [[2.0], [5.0]])
    np.testing.assert_allclose(np.asarray(variance), [[2 / 3], [0.0]], rtol=1e-6)


def _same_padding(length, window, stride, dilation=1):
    """TF/Keras 'same': output ceil(length / stride), the odd padding element after."""
    effective = (window - 1) * dilation + 1
    out = -(-length // stride)
    total = max((out - 1) * stride + effective - length, 0)
    return out, total // 2


def _naive_conv(x, kernel, strides, padding, dilation, groups):
    """Channels-last N-d cross-correlation by summing one shifted matmul per kernel offset."""
    rank = x.ndim - 2
    spatial, kernel_spatial = x.shape[1:-1], kernel.shape[:rank]
    outs, befores = [], []
    for length, size, stride, rate in zip(spatial, kernel_spatial, strides, dilation):
        if padding == "same":
            out, before = _same_padding(length, size, stride, rate)
        else:
            out, before = (length - (size - 1) * rate - 1) // stride + 1, 0
        outs.append(out)
        befores.append(before)
    padded = np.pad(x, [(0, 0)] + [(b, 4 * k * d) for b, k, d in zip(befores, kernel_spatial, dilation)] + [(0, 0)])
    in_per_group, out_per_group = kernel.shape[-2], kernel.shape[-1] // groups
    result = np.zeros((x.shape[0], *outs, kernel.shape[-1]))
    for offset in itertools.product(*(range(k) for k in kernel_spatial)):
        window = tuple(slice(o * d, o * d + (n - 1) * s + 1, s) for o, d, n, s in zip(offset, dilation, outs, strides))
        patch = padded[(slice(None), *window)]
        for group in range(groups):
            inputs = patch[..., group * in_per_group:(group + 1) * in_per_group]
            weights = kernel[offset][:, group * out_per_group:(group + 1) * out_per_group]
            result[..., group * out_per_group:(group + 1) * out_per_group] += inputs @ weights
    return result


CONV_CASES = [
    # rank, strides, padding, dilation, kernel size, kernel input channels (4 input channels)
    (1, 1, "valid", 1, 3, 4),
    (1, 2, "same", 1, 4, 2),
    (2, 1, "same", 2, 3, 4),
    (2, 2, "same", 1, 3, 1),
    (2, (2, 1), "valid", 1, 2, 4),
    (3, 1, "same", 1, 2, 2),
]


@pytest.mark.parametrize(("rank", "strides", "padding", "dilation", "size", "kernel_in"), CONV_CASES)
def test_conv_matches_naive_correlation(ops, rng, rank, strides, padding, dilation, size, kernel_in):
    x = rng.normal(size=(2, *(7, 6, 5)[:rank], 4)).astype(np.float32)
    kernel = rng.normal(size=(*(size,) * rank, kernel_in, 8)).astype(np.float32)
    per_axis = lambda v: (v,) * rank if isinstance(v, int) else v
    expected = _naive_conv(x, kernel, per_axis(strides), padding, per_axis(dilation), 4 // kernel_in)
    actual = ops.conv(x, kernel, strides, padding, "channels_last", dilation)
    np.testing.assert_allclose(np.asarray(actual), expected, rtol=1e-4, atol=1e-4)
    first = ops.conv(np.moveaxis(x, -1, 1), kernel, strides, padding, "channels_first", dilation)
    np.testing.assert_allclose(np.moveaxis(np.asarray(first), 1, -1), expected, rtol=1e-4, atol=1e-4)


def test_conv_rejects_channels_not_divisible_by_the_kernel(ops):
    with pytest.raises(ValueError, match="multiple"):
        ops.conv(np.zeros((1, 5, 5, 5), np.float32), np.zeros((3, 3, 2, 4), np.float32))


def test_depthwise_conv_orders_outputs_channel_major(ops, rng):
    x = rng.normal(size=(2, 6, 5, 3)).astype(np.float32)
    kernel = rng.normal(size=(3, 3, 3, 2)).astype(np.float32)
    actual = np.asarray(ops.depthwise_conv(x, kernel, 1, "same"))
    for channel, multiplier in itertools.product(range(3), range(2)):
        expected = _naive_conv(x[..., channel:channel + 1], kernel[..., channel:channel + 1, multiplier:multiplier + 1],
                               (1, 1), "same", (1, 1), 1)
        np.testing.assert_allclose(actual[..., channel * 2 + multiplier], expected[..., 0], rtol=1e-4, atol=1e-4)


def _naive_full_transpose(x, kernel, stride):
    """1-d transposed conv as scatter-add: y[i * stride + j] += x[i] . kernel[j] (no cropping)."""
    batch, length, _ = x.shape
    size, out_channels = kernel.shape[0], kernel.shape[1]
    out_length = length * stride + max(size - stride, 0)
    result = np.zeros((batch, out_length, out_channels))
    for i, j in itertools.product(range(length), range(size)):
        result[:, i * stride + j] += x[:, i] @ kernel[j].T
    return result


@pytest.mark.parametrize(("size", "stride"), [(3, 1), (3, 2), (2, 3)])
def test_conv_transpose_valid_is_the_scatter_add_definition(ops, rng, size, stride):
    x = rng.normal(size=(2, 4, 3)).astype(np.float32)
    kernel = rng.normal(size=(size, 5, 3)).astype(np.float32)
    actual = ops.conv_transpose(x, kernel, stride, "valid")
    np.testing.assert_allclose(np.asarray(actual), _naive_full_transpose(x, kernel, stride), rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize(
    ("rank", "size", "strides", "padding", "output_padding", "dilation", "data_format"),
    [
        (1, 3, 2, "same", None, 1, "channels_last"),
        (1, 4, 3, "same", 2, 1, "channels_last"),
        (2, 3, 2, "same", 1, 1, "channels_first"),
        (2, 2, (2, 1), "valid", (1, 0), 1, "channels_last"),
        (2, 3, 1, "same", None, 2, "channels_last"),
        (3, 3, 2, "valid", None, 1, "channels_last"),
    ],
)
def test_conv_transpose_matches_keras(ops, keras_ops, rng, rank, size, strides, padding, output_padding,
                                      dilation, data_format):
    x = rng.normal(size=(2, *(5, 4, 3)[:rank], 3)).astype(np.float32)
    if data_format == "channels_first":
        x = np.moveaxis(x, -1, 1)
    kernel = rng.normal(size=(*(size,) * rank, 2, 3)).astype(np.float32)
    arguments = (strides, padding, output_padding, data_format, dilation)
    expected = np.asarray(keras_ops.conv_transpose(x, kernel, *arguments))
    actual = np.asarray(ops.conv_transpose(x, kernel, *arguments))
    assert actual.shape == expected.shape
    np.testing.assert_allclose(actual, expected, rtol=1e-5, atol=1e-5)


def _naive_pool(x, pool, stride, padding, reduce):
    """2-d channels-last pooling over the real elements of each (possibly padded) window."""
    bounds = []
    for length, size, step in zip(x.shape[1:3], pool, stride):
        out, before = _same_padding(length, size, step) if padding == "same" else ((length - size) // step + 1, 0)
        bounds.append([(max(o * step - before, 0), min(o * step - before + size, length)) for o in range(out)])
    result = np.zeros((x.shape[0], len(bounds[0]), len(bounds[1]), x.shape[-1]))
    for (row, (top, bottom)), (col, (left, right)) in itertools.product(enumerate(bounds[0]), enumerate(bounds[1])):
        result[:, row, col] = reduce(x[:, top:bottom, left:right], axis=(1, 2))
    return result


@pytest.mark.parametrize(("pool", "strides", "padding"), [(2, None, "valid"), (3, 2, "same"), ((2, 3), (1, 2), "same")])
def test_pooling_matches_naive_windows(ops, rng, pool, strides, padding):
    x = rng.normal(size=(2, 7, 6, 3)).astype(np.float32)
    pool_pair = (pool, pool) if isinstance(pool, int) else pool
    stride_pair = pool_pair if strides is None else (strides, strides) if isinstance(strides, int) else strides
    for name, reduce in (("max_pool", np.max), ("average_pool", np.mean)):
        expected = _naive_pool(x, pool_pair, stride_pair, padding, reduce)
        actual = getattr(ops, name)(x, pool, strides, padding)
        np.testing.assert_allclose(np.asarray(actual), expected, rtol=1e-5, atol=1e-6, err_msg=name)
        first = getattr(ops, name)(np.moveaxis(x, -1, 1), pool, strides, padding, "channels_first")
        np.testing.assert_allclose(np.moveaxis(np.asarray(first), 1, -1), expected, rtol=1e-5, atol=1e-6)


def test_pooling_1d_and_integer_max_pool(ops):
    x = np.array([[[1], [5], [2], [4], [3]]], np.int32)
    np.testing.assert_array_equal(np.asarray(ops.max_pool(x, 2, 2, "same"))[0, :, 0], [5, 4, 3])
    np.testing.assert_allclose(np.asarray(ops.average_pool(x.astype(np.float32), 2, 2, "same"))[0, :, 0], [3, 3, 3])


def test_resize_uses_half_pixel_centers_without_antialiasing(ops):
    row = np.array([0.0, 1.0, 2.0, 3.0], np.float32).reshape(1, 1, 4, 1)
    # Output pixel i samples input coordinate (i + 0.5) * in / out - 0.5.
    np.testing.assert_allclose(np.asarray(ops.resize(row, (1, 2)))[0, 0, :, 0], [0.5, 2.5])
    np.testing.assert_allclose(np.asarray(ops.resize(row, (1, 8)))[0, 0, :, 0],
                               [0, 0.25, 0.75, 1.25, 1.75, 2.25, 2.75, 3])
    np.testing.assert_allclose(np.asarray(ops.resize(row, (1, 2), "nearest"))[0, 0, :, 0], [1, 3])
    first = ops.resize(np.moveaxis(row, -1, 1), (3, 8), "nearest", "channels_first")
    assert ops.shape(first) == (1, 1, 3, 8)
    np.testing.assert_allclose(np.asarray(first)[0, 0, 2], [0, 0, 1, 1, 2, 2, 3, 3])


def test_resize_rejects_unknown_interpolation(ops):
    with pytest.raises(ValueError, match="bicubic"):
        ops.resize(np.zeros((1, 2, 2, 1), np.float32), (4, 4), "bicubic")


def _naive_max_pool_gradient(x, pool, padding, upstream):
    """Channels-last tiled max pooling's gradient: each window's upstream value goes to the window's
    first maximum in row-major order (what Keras's reduce_window gradient does), padding excluded."""
    spatial = x.shape[1:-1]
    starts = []
    for length, size in zip(spatial, pool):
        out = -(-length // size) if padding == "same" else length // size
        before = max(out * size - length, 0) // 2 if padding == "same" else 0
        starts.append([o * size - before for o in range(out)])
    gradient = np.zeros_like(x)
    for batch, channel in itertools.product(range(x.shape[0]), range(x.shape[-1])):
        for out_index in itertools.product(*(range(len(axis)) for axis in starts)):
            best = None
            for offset in itertools.product(*(range(size) for size in pool)):
                position = tuple(s[o] + d for s, o, d in zip(starts, out_index, offset))
                if all(0 <= p < n for p, n in zip(position, spatial)):
                    if best is None or x[(batch, *position, channel)] > x[(batch, *best, channel)]:
                        best = position
            gradient[(batch, *best, channel)] += upstream[(batch, *out_index, channel)]
    return gradient


@pytest.mark.parametrize(("shape", "pool", "padding", "data_format"), [
    ((2, 6, 6, 3), (2, 2), "valid", "channels_last"),
    ((2, 7, 5, 3), (2, 2), "valid", "channels_last"),
    ((2, 7, 5, 3), (2, 2), "same", "channels_last"),
    ((2, 7, 8, 3), (3, 3), "same", "channels_first"),
    ((2, 9, 4), (3,), "valid", "channels_last"),
    ((1, 4, 5, 6, 2), (2, 2, 2), "same", "channels_last"),
    ((2, 8, 8, 1), (2, 4), "valid", "channels_first"),
])
@pytest.mark.parametrize("ties", [False, True])
def test_tiled_max_pool_gradient_goes_to_the_first_maximum(ops, rng, shape, pool, padding, data_format, ties):
    import jax

    x = rng.normal(size=shape).astype(np.float32)
    if ties:
        x = np.round(x)
    channels_first = data_format == "channels_first"
    as_given = np.moveaxis(x, -1, 1) if channels_first else x
    pooled = ops.max_pool(as_given, pool, None, padding, data_format)
    upstream = rng.normal(size=np.shape(pooled)).astype(np.float32)

    def weighted_sum(inputs):
        return (ops.max_pool(inputs, pool, None, padding, data_format) * upstream).sum()

    gradient = np.asarray(jax.jit(jax.grad(weighted_sum))(as_given))
    tangent = np.asarray(jax.jvp(weighted_sum, (as_given,), (jax.numpy.asarray(gradient),))[1])
    if channels_first:
        gradient, upstream = np.moveaxis(gradient, 1, -1), np.moveaxis(upstream, 1, -1)
    expected = _naive_max_pool_gradient(x, pool, padding, upstream)
    np.testing.assert_allclose(gradient, expected, rtol=1e-6, atol=1e-6)
    # The forward derivative is the same linear map: <J g, 1> = |g|^2 for g = J^T upstream.
    np.testing.assert_allclose(tangent, np.sum(expected * expected), rtol=1e-5)
