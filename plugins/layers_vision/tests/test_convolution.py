"""Convolution layers against direct numpy loops (one output pixel at a time), Keras's own
Conv*Transpose for its padding conventions, and finite differences for gradients."""

from __future__ import annotations

import itertools
import math
import os

import numpy as np
import pytest

from oneiros import layers, ops
from oneiros.testing import check_layer

RNG = np.random.default_rng(7)


def numpy_of(value):
    return np.asarray(ops.to_numpy(value), dtype=np.float64)


def to_channels_last(x, data_format):
    return np.moveaxis(x, 1, -1) if data_format == "channels_first" else x


def from_channels_last(x, data_format):
    return np.moveaxis(x, -1, 1) if data_format == "channels_first" else x


def forward_padding(length, window, stride, padding):
    """(output length, zeros before) of a forward window op: 'same' pads max((out - 1) * s + w - L, 0)
    in total, the odd element after."""
    if padding == "valid":
        return (length - window) // stride + 1, 0
    out = math.ceil(length / stride)
    return out, max((out - 1) * stride + window - length, 0) // 2


def conv_loop(x, kernel, strides, padding, dilation, data_format="channels_last"):
    """out[n, p, o] = sum over window offsets q and the group's channels c of
    x_padded[n, p * s + q * d, c] * kernel[q, c, o]."""
    x = to_channels_last(x, data_format).astype(np.float64)
    rank = x.ndim - 2
    window = kernel.shape[:rank]
    group_in, filters = kernel.shape[-2:]
    groups = x.shape[-1] // group_in
    group_out = filters // groups
    if padding == "causal":
        x = np.pad(x, [(0, 0), ((window[0] - 1) * dilation[0], 0), (0, 0)])
        padding = "valid"
    sizes, befores = zip(*(forward_padding(x.shape[1 + a], (window[a] - 1) * dilation[a] + 1, strides[a], padding)
                           for a in range(rank)))
    padded = np.pad(x, [(0, 0)] + [(b, max(0, (o - 1) * s + (w - 1) * d + 1 - L - b))
                                   for b, o, s, w, d, L in zip(befores, sizes, strides, window, dilation,
                                                               x.shape[1:-1])] + [(0, 0)])
    out = np.zeros((x.shape[0], *sizes, filters))
    for n, position in itertools.product(range(x.shape[0]), itertools.product(*map(range, sizes))):
        for offset in itertools.product(*map(range, window)):
            source = tuple(p * s + q * d for p, s, q, d in zip(position, strides, offset, dilation))
            for g in range(groups):
                pixel = padded[(n, *source)][g * group_in:(g + 1) * group_in]
                out[(n, *position)][g * group_out:(g + 1) * group_out] += (
                    pixel @ kernel[offset][:, g * group_out:(g + 1) * group_out])
    return from_channels_last(out, data_format)


def depthwise_loop(x, kernel, strides, padding, dilation, data_format="channels_last"):
    """out[n, p, c * M + m] = sum over q of x_padded[n, p * s + q * d, c] * kernel[q, c, m]."""
    x_last = to_channels_last(x, data_format)
    channels, multiplier = kernel.shape[-2:]
    out = None
    for c in range(channels):
        single = conv_loop(x_last[..., c:c + 1], kernel[..., c:c + 1, :], strides, padding, dilation)
        out = single if out is None else np.concatenate([out, single], axis=-1)
    return from_channels_last(out, data_format)


def conv_transpose_loop(x, kernel, strides, padding, dilation, output_padding, data_format="channels_last"):
    """The gradient of a forward conv with respect to its input: input pixel i scatters
    x[i, c] * kernel[q, f, c] to output position i * s + q * d - before, where the output length
    follows Keras and 'before' is the forward 'same' conv's padding for that length."""
    x = to_channels_last(x, data_format).astype(np.float64)
    rank = x.ndim - 2
    window = kernel.shape[:rank]
    filters = kernel.shape[-2]
    lengths, befores = [], []
    for a in range(rank):
        length, stride, dilated = x.shape[1 + a], strides[a], (window[a] - 1) * dilation[a] + 1
        if output_padding is None:
            out = length * stride + (max(dilated - stride, 0) if padding == "valid" else 0)
        else:
            edge = dilated // 2 if padding == "same" else 0
            out = (length - 1) * stride + dilated - 2 * edge + output_padding[a]
        lengths.append(out)
        befores.append(0 if padding == "valid" else max((length - 1) * stride + dilated - out, 0) // 2)
    result = np.zeros((x.shape[0], *lengths, filters))
    for n, position in itertools.product(range(x.shape[0]), itertools.product(*map(range, x.shape[1:-1]))):
        for offset in itertools.product(*map(range, window)):
            target = tuple(p * s + q * d - b for p, s, q, d, b in zip(position, strides, offset, dilation, befores))
            if all(0 <= t < length for t, length in zip(target, lengths)):
                result[(n, *target)] += kernel[offset] @ x[(n, *position)]
    return from_channels_last(result, data_format)


def with_random_weights(layer, x):
    """Builds ``layer`` on ``x`` and gives it random normal weights (set from numpy: random
    initializers on jax compile once per shape, which would dominate this file's time)."""
    layer(x)
    weights = [RNG.normal(size=w.shape).astype("float32") for w in layer.get_weights()]
    layer.set_weights(weights)
    return weights


def tuple_of(value, rank):
    return (value,) * rank if isinstance(value, int) else tuple(value)


def image_shape(rank, spatial, channels, data_format, batch=2):
    return (batch, *spatial, channels) if data_format == "channels_last" else (batch, channels, *spatial)


LAST, FIRST = "channels_last", "channels_first"
CONV_CASES = [
    # rank, spatial, channels, filters, kernel, strides, padding, dilation, groups, data format
    (1, (11,), 3, 4, 3, 1, "valid", 1, 1, FIRST),
    (1, (10,), 4, 6, 3, 2, "same", 1, 2, LAST),
    (1, (9,), 2, 3, 3, 1, "causal", 2, 1, LAST),
    (1, (12,), 3, 2, 4, 3, "causal", 1, 1, LAST),
    (2, (7, 8), 3, 4, 3, 1, "valid", 1, 1, LAST),
    (2, (7, 9), 4, 6, (3, 2), (2, 1), "same", 1, 2, FIRST),
    (2, (9, 8), 2, 4, 3, 1, "same", (2, 1), 2, LAST),
    (2, (8, 7), 3, 2, (2, 3), 3, "valid", 1, 1, FIRST),
    (2, (9, 9), 2, 2, 3, 2, "same", 2, 1, LAST),
    (3, (5, 4, 5), 2, 3, 2, (1, 2, 1), "same", 1, 1, FIRST),
    (3, (5, 5, 6), 4, 4, 3, 1, "valid", (1, 1, 2), 4, LAST),
]


def case_id(case):
    return "-".join(str(part) for part in (f"{case[0]}d", *case[5:]))


@pytest.mark.parametrize("case", CONV_CASES, ids=case_id)
def test_conv_matches_a_direct_loop(backend, case):
    rank, spatial, channels, filters, kernel_size, strides, padding, dilation, groups, data_format = case
    cls = {1: layers.Conv1D, 2: layers.Conv2D, 3: layers.Conv3D}[rank]
    layer = cls(filters, kernel_size, strides=strides, padding=padding, dilation_rate=dilation, groups=groups,
                data_format=data_format, kernel_initializer="zeros")
    x = RNG.normal(size=image_shape(rank, spatial, channels, data_format)).astype("float32")
    kernel, bias = with_random_weights(layer, x)
    got = numpy_of(layer(x))
    assert kernel.shape == (*tuple_of(kernel_size, rank), channels // groups, filters)
    expected = conv_loop(x, kernel, tuple_of(strides, rank), padding, tuple_of(dilation, rank), data_format)
    bias_shape = (1,) * (rank + 1) + (filters,) if data_format == "channels_last" else (1, filters) + (1,) * rank
    expected = expected + bias.reshape(bias_shape)
    assert tuple(layer.compute_output_shape(x.shape)) == got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-4)


TRANSPOSE_CASES = [
    # rank, spatial, channels, filters, kernel, strides, padding, dilation, output_padding, data format
    (1, (5,), 3, 2, 3, 2, "valid", 1, None, LAST),
    (1, (6,), 2, 3, 4, 3, "same", 1, None, FIRST),
    (1, (5,), 2, 2, 3, 2, "same", 1, 1, LAST),
    (2, (4, 5), 3, 2, 3, 2, "same", 1, None, LAST),
    (2, (3, 4), 2, 3, (2, 3), (3, 2), "valid", 1, None, FIRST),
    (2, (4, 3), 2, 2, 3, 1, "same", 2, None, LAST),
    (2, (3, 3), 2, 2, 3, 2, "valid", 1, (1, 0), FIRST),
    (2, (4, 4), 3, 2, 5, 2, "same", 1, (1, 1), LAST),
    (3, (3, 2, 3), 2, 2, 2, 2, "same", 1, None, FIRST),
]


@pytest.mark.parametrize("case", TRANSPOSE_CASES, ids=case_id)
def test_conv_transpose_matches_a_scatter_loop(backend, case):
    rank, spatial, channels, filters, kernel_size, strides, padding, dilation, output_padding, data_format = case
    cls = {1: layers.Conv1DTranspose, 2: layers.Conv2DTranspose, 3: layers.Conv3DTranspose}[rank]
    layer = cls(filters, kernel_size, strides=strides, padding=padding, dilation_rate=dilation,
                output_padding=output_padding, data_format=data_format, kernel_initializer="zeros")
    x = RNG.normal(size=image_shape(rank, spatial, channels, data_format)).astype("float32")
    kernel, bias = with_random_weights(layer, x)
    got = numpy_of(layer(x))
    assert kernel.shape == (*tuple_of(kernel_size, rank), filters, channels)
    expected = conv_transpose_loop(x, kernel, tuple_of(strides, rank), padding, tuple_of(dilation, rank),
                                   None if output_padding is None else tuple_of(output_padding, rank), data_format)
    bias_shape = (1,) * (rank + 1) + (filters,) if data_format == "channels_last" else (1, filters) + (1,) * rank
    expected = expected + bias.reshape(bias_shape)
    assert tuple(layer.compute_output_shape(x.shape)) == got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize(("strides", "padding", "output_padding"),
                         [(2, "same", None), (3, "valid", None), (2, "same", 1), (3, "same", 2), (2, "valid", 1)])
def test_conv2d_transpose_agrees_with_keras(jax_backend, strides, padding, output_padding):
    os.environ.setdefault("KERAS_BACKEND", "jax")
    import keras

    x = RNG.normal(size=(1, 5, 4, 2)).astype("float32")
    ours = layers.Conv2DTranspose(3, (3, 4), strides=strides, padding=padding, output_padding=output_padding,
                                  kernel_initializer="zeros")
    with_random_weights(ours, x)
    got = numpy_of(ours(x))
    theirs = keras.layers.Conv2DTranspose(3, (3, 4), strides=strides, padding=padding, output_padding=output_padding)
    theirs.build(x.shape)
    theirs.set_weights(ours.get_weights())
    np.testing.assert_allclose(got, np.asarray(theirs(x)), rtol=1e-4, atol=1e-4)


DEPTHWISE_CASES = [
    # rank, spatial, channels, multiplier, kernel, strides, padding, dilation, data format
    (1, (9,), 3, 2, 3, 1, "valid", 1, LAST),
    (1, (10,), 2, 1, 3, 2, "same", 2, FIRST),
    (2, (7, 8), 3, 2, 3, 1, "same", 1, FIRST),
    (2, (9, 7), 2, 3, (3, 2), (2, 1), "valid", 1, LAST),
    (2, (9, 9), 2, 1, 3, 1, "same", (2, 2), LAST),
]


@pytest.mark.parametrize("case", DEPTHWISE_CASES, ids=case_id)
def test_depthwise_conv_matches_a_direct_loop(backend, case):
    rank, spatial, channels, multiplier, kernel_size, strides, padding, dilation, data_format = case
    cls = {1: layers.DepthwiseConv1D, 2: layers.DepthwiseConv2D}[rank]
    layer = cls(kernel_size, strides=strides, padding=padding, depth_multiplier=multiplier, dilation_rate=dilation,
                data_format=data_format, depthwise_initializer="zeros")
    x = RNG.normal(size=image_shape(rank, spatial, channels, data_format)).astype("float32")
    kernel, bias = with_random_weights(layer, x)
    got = numpy_of(layer(x))
    assert kernel.shape == (*tuple_of(kernel_size, rank), channels, multiplier)
    expected = depthwise_loop(x, kernel, tuple_of(strides, rank), padding, tuple_of(dilation, rank), data_format)
    bias_shape = (1,) * (rank + 1) + (-1,) if data_format == "channels_last" else (1, -1) + (1,) * rank
    expected = expected + bias.reshape(bias_shape)
    assert tuple(layer.compute_output_shape(x.shape)) == got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize(("rank", "strides", "padding", "data_format"),
                         [(1, 2, "same", "channels_last"), (2, 1, "valid", "channels_first"),
                          (2, (2, 1), "same", "channels_last")])
def test_separable_conv_is_depthwise_then_pointwise(backend, rank, strides, padding, data_format):
    cls = {1: layers.SeparableConv1D, 2: layers.SeparableConv2D}[rank]
    layer = cls(5, 3, strides=strides, padding=padding, depth_multiplier=2, data_format=data_format,
                depthwise_initializer="zeros", pointwise_initializer="zeros")
    x = RNG.normal(size=image_shape(rank, (8,) * rank, 3, data_format)).astype("float32")
    depthwise, pointwise, bias = with_random_weights(layer, x)
    got = numpy_of(layer(x))
    assert depthwise.shape == (*(3,) * rank, 3, 2) and pointwise.shape == (*(1,) * rank, 6, 5)
    mixed = depthwise_loop(to_channels_last(x, data_format), depthwise, tuple_of(strides, rank), padding,
                           (1,) * rank) @ pointwise.reshape(6, 5) + bias
    expected = from_channels_last(mixed, data_format)
    assert tuple(layer.compute_output_shape(x.shape)) == got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-4)


CHECKED = [
    (layers.Conv1D, {"filters": 3, "kernel_size": 3, "padding": "causal", "dilation_rate": 2}, (2, 7, 2), (2, 7, 3)),
    (layers.Conv2D, {"filters": 4, "kernel_size": 3, "strides": 2, "padding": "same", "groups": 2,
                     "activation": "tanh", "kernel_regularizer": "l2"}, (2, 5, 6, 2), (2, 3, 3, 4)),
    (layers.Conv3D, {"filters": 2, "kernel_size": 2, "data_format": "channels_first"}, (1, 2, 3, 3, 3),
     (1, 2, 2, 2, 2)),
    (layers.Conv1DTranspose, {"filters": 2, "kernel_size": 3, "strides": 2}, (2, 4, 3), (2, 9, 2)),
    (layers.Conv2DTranspose, {"filters": 2, "kernel_size": 3, "strides": 2, "padding": "same",
                              "output_padding": 1}, (1, 3, 4, 2), (1, 6, 8, 2)),
    (layers.Conv3DTranspose, {"filters": 2, "kernel_size": 2, "strides": 2, "use_bias": False},
     (1, 2, 2, 2, 2), (1, 4, 4, 4, 2)),
    (layers.DepthwiseConv1D, {"kernel_size": 3, "depth_multiplier": 2}, (2, 6, 2), (2, 4, 4)),
    (layers.DepthwiseConv2D, {"kernel_size": 3, "padding": "same", "data_format": "channels_first"},
     (1, 2, 4, 5), (1, 2, 4, 5)),
    (layers.SeparableConv1D, {"filters": 3, "kernel_size": 2, "depth_multiplier": 2}, (2, 5, 2), (2, 4, 3)),
    (layers.SeparableConv2D, {"filters": 3, "kernel_size": 3, "strides": 2, "padding": "same"}, (1, 5, 5, 2),
     (1, 3, 3, 3)),
]


@pytest.mark.parametrize(("cls", "kwargs", "input_shape", "output_shape"), CHECKED,
                         ids=[case[0].__name__ for case in CHECKED])
def test_check_layer_config_weights_backends_and_finite_difference_gradients(jax_backend, cls, kwargs, input_shape,
                                                                              output_shape):
    weights = 3 if cls.__name__.startswith("Separable") else 1 if kwargs.get("use_bias") is False else 2
    report = check_layer(cls, kwargs, input_shape=input_shape, expected_output_shape=output_shape,
                         expected_num_trainable_weights=weights, expected_num_non_trainable_weights=0,
                         tolerance=1e-4)
    assert report["gradients"] == "checked"
    assert {"jax", "numpy"} <= set(report["backends"])


def test_kernel_regularizer_adds_its_loss_and_activity_regularizer_too(jax_backend):
    from oneiros.layers.layer import collecting_losses

    layer = layers.Conv2D(2, 2, kernel_regularizer="l2", activity_regularizer="l1")
    x = RNG.normal(size=(1, 3, 3, 1)).astype("float32")
    with collecting_losses() as losses:
        out = numpy_of(layer(x))
    assert len(losses) == 1
    np.testing.assert_allclose(float(numpy_of(losses[0])), 0.01 * np.abs(out).sum(), rtol=1e-5)
    kernel = layer.get_weights()[0]
    assert layer.kernel.regularizer is not None
    np.testing.assert_allclose(float(numpy_of(layer.kernel.regularizer(layer.kernel.value))),
                               0.01 * (kernel.astype(np.float64) ** 2).sum(), rtol=1e-5)


@pytest.mark.parametrize(("make", "message"), [
    (lambda: layers.Conv2D(0, 3), "filters"),
    (lambda: layers.Conv2D(4, (3, 3, 3)), "kernel_size"),
    (lambda: layers.Conv2D(4, 3, padding="causal"), "padding"),
    (lambda: layers.Conv2D(5, 3, groups=2), "divisible"),
    (lambda: layers.Conv2D(4, 3, data_format="NHWC"), "data_format"),
    (lambda: layers.Conv1D(4, 3, strides=0), "strides"),
    (lambda: layers.Conv2DTranspose(4, 3, strides=2, output_padding=2), "output_padding"),
    (lambda: layers.DepthwiseConv2D(3, depth_multiplier=-1), "depth_multiplier"),
])
def test_bad_arguments_name_what_was_received(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_bad_inputs_are_refused_before_any_weight_exists(jax_backend):
    layer = layers.Conv2D(4, 3, groups=2)
    with pytest.raises(ValueError, match="divisible by groups=2"):
        layer(np.zeros((1, 5, 5, 3), "float32"))
    assert layer.weights == []
    small = layers.Conv2D(4, 5)
    with pytest.raises(ValueError, match="too small"):
        small(np.zeros((1, 4, 8, 1), "float32"))
    assert small.weights == []
    built = layers.Conv1D(2, 3)
    built(np.zeros((1, 5, 3), "float32"))
    with pytest.raises(ValueError, match="axis -1 of size 3"):
        built(np.zeros((1, 5, 4), "float32"))
