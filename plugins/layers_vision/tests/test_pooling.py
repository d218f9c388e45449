"""Pooling layers against direct numpy loops over output pixels, and global pooling against
numpy reductions written out by hand."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from oneiros import layers, ops
from oneiros.testing import check_layer

RNG = np.random.default_rng(3)
LAST, FIRST = "channels_last", "channels_first"


def numpy_of(value):
    return np.asarray(ops.to_numpy(value), dtype=np.float64)


def pool_loop(x, mode, pool, strides, padding, data_format):
    """Each output pixel reduces the window's real elements (padding never counts): 'same'
    keeps ceil(L / s) outputs and pads max((out - 1) * s + p - L, 0), the odd element after."""
    x = np.moveaxis(x, 1, -1) if data_format == FIRST else x
    sizes, befores = [], []
    for length, size, stride in zip(x.shape[1:-1], pool, strides):
        if padding == "valid":
            sizes.append((length - size) // stride + 1)
            befores.append(0)
        else:
            out = math.ceil(length / stride)
            sizes.append(out)
            befores.append(max((out - 1) * stride + size - length, 0) // 2)
    out = np.zeros((x.shape[0], *sizes, x.shape[-1]))
    for n, position in itertools.product(range(x.shape[0]), itertools.product(*map(range, sizes))):
        window = []
        for offset in itertools.product(*map(range, pool)):
            source = tuple(p * s + q - b for p, s, q, b in zip(position, strides, offset, befores))
            if all(0 <= i < length for i, length in zip(source, x.shape[1:-1])):
                window.append(x[(n, *source)])
        out[(n, *position)] = np.max(window, axis=0) if mode == "max" else np.mean(window, axis=0)
    return np.moveaxis(out, -1, 1) if data_format == FIRST else out


POOL_CASES = [
    # rank, spatial, pool, strides, padding, data format
    (1, (9,), 2, None, "valid", LAST),
    (1, (10,), 3, 2, "same", FIRST),
    (1, (7,), 4, 1, "same", LAST),
    (2, (7, 8), 2, None, "valid", LAST),
    (2, (7, 9), (3, 2), (2, 3), "same", FIRST),
    (2, (8, 7), 3, 1, "same", LAST),
    (2, (9, 9), (2, 3), 2, "valid", FIRST),
    (3, (5, 4, 5), 2, None, "same", LAST),
    (3, (5, 6, 4), (3, 2, 2), (1, 2, 2), "valid", FIRST),
]
CLASSES = {("max", 1): layers.MaxPooling1D, ("max", 2): layers.MaxPooling2D, ("max", 3): layers.MaxPooling3D,
           ("average", 1): layers.AveragePooling1D, ("average", 2): layers.AveragePooling2D,
           ("average", 3): layers.AveragePooling3D}


@pytest.mark.parametrize("mode", ["max", "average"])
@pytest.mark.parametrize("case", POOL_CASES, ids=lambda case: "-".join(map(str, (f"{case[0]}d", *case[2:]))))
def test_pooling_matches_a_direct_loop(backend, mode, case):
    rank, spatial, pool, strides, padding, data_format = case
    layer = CLASSES[mode, rank](pool, strides=strides, padding=padding, data_format=data_format)
    shape = (2, *spatial, 3) if data_format == LAST else (2, 3, *spatial)
    x = RNG.normal(size=shape).astype("float32")
    got = numpy_of(layer(x))
    as_tuple = (lambda v: (v,) * rank if isinstance(v, int) else tuple(v))
    expected = pool_loop(x, mode, as_tuple(pool), as_tuple(pool if strides is None else strides), padding,
                         data_format)
    assert tuple(layer.compute_output_shape(x.shape)) == got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)


def test_max_pooling_keeps_integer_images_and_average_pooling_gives_floats(backend):
    images = RNG.integers(0, 255, size=(1, 4, 4, 1)).astype("uint8")
    pooled = layers.MaxPooling2D(2)(images)
    assert ops.dtype(pooled) == "uint8"
    np.testing.assert_array_equal(numpy_of(pooled)[0, :, :, 0], images[0, :, :, 0].reshape(2, 2, 2, 2).max(axis=(1, 3)))
    averaged = layers.AveragePooling2D(2)(images)
    assert ops.dtype(averaged) == "float32"
    np.testing.assert_allclose(numpy_of(averaged)[0, :, :, 0],
                               images[0, :, :, 0].astype(float).reshape(2, 2, 2, 2).mean(axis=(1, 3)), rtol=1e-6)


GLOBAL_CLASSES = {("max", 1): layers.GlobalMaxPooling1D, ("max", 2): layers.GlobalMaxPooling2D,
                  ("max", 3): layers.GlobalMaxPooling3D, ("average", 1): layers.GlobalAveragePooling1D,
                  ("average", 2): layers.GlobalAveragePooling2D, ("average", 3): layers.GlobalAveragePooling3D}


@pytest.mark.parametrize("keepdims", [False, True])
@pytest.mark.parametrize("data_format", [LAST, FIRST])
@pytest.mark.parametrize(("mode", "rank"), sorted(GLOBAL_CLASSES))
def test_global_pooling_reduces_every_position(backend, mode, rank, data_format, keepdims):
    spatial = (3, 4, 2)[:rank]
    x = RNG.normal(size=(2, *spatial, 5) if data_format == LAST else (2, 5, *spatial)).astype("float32")
    layer = GLOBAL_CLASSES[mode, rank](data_format=data_format, keepdims=keepdims)
    got = numpy_of(layer(x))
    channels_last = x if data_format == LAST else np.moveaxis(x, 1, -1)
    expected = np.zeros((2, 5))
    for n, c in itertools.product(range(2), range(5)):
        values = [channels_last[(n, *position, c)] for position in itertools.product(*map(range, spatial))]
        expected[n, c] = max(values) if mode == "max" else sum(values) / len(values)
    if keepdims:
        expected = expected.reshape((2, *(1,) * rank, 5) if data_format == LAST else (2, 5, *(1,) * rank))
    assert tuple(layer.compute_output_shape(x.shape)) == got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)


def test_global_average_pooling1d_averages_only_unmasked_steps(backend):
    x = RNG.normal(size=(3, 4, 2)).astype("float32")
    mask = np.array([[1, 1, 0, 0], [1, 1, 1, 1], [0, 0, 0, 0]], dtype=bool)
    got = numpy_of(layers.GlobalAveragePooling1D()(x, mask=mask))
    np.testing.assert_allclose(got[0], x[0, :2].mean(axis=0), rtol=1e-5)
    np.testing.assert_allclose(got[1], x[1].mean(axis=0), rtol=1e-5)
    np.testing.assert_array_equal(got[2], np.zeros(2))
    assert layers.GlobalAveragePooling1D().compute_mask(x, mask) is None


@pytest.mark.parametrize(("cls", "kwargs", "input_shape", "output_shape"), [
    (layers.MaxPooling2D, {"pool_size": 3, "strides": 2, "padding": "same"}, (2, 5, 6, 3), (2, 3, 3, 3)),
    (layers.AveragePooling1D, {"pool_size": 2, "data_format": FIRST}, (2, 3, 6), (2, 3, 3)),
    (layers.AveragePooling3D, {}, (1, 4, 4, 4, 2), (1, 2, 2, 2, 2)),
    (layers.GlobalAveragePooling2D, {"keepdims": True}, (2, 3, 3, 4), (2, 1, 1, 4)),
    (layers.GlobalMaxPooling1D, {"data_format": FIRST}, (2, 4, 5), (2, 4)),
], ids=["MaxPooling2D", "AveragePooling1D", "AveragePooling3D", "GlobalAveragePooling2D", "GlobalMaxPooling1D"])
def test_check_layer(jax_backend, cls, kwargs, input_shape, output_shape):
    check_layer(cls, kwargs, input_shape=input_shape, expected_output_shape=output_shape,
                expected_num_trainable_weights=0)


@pytest.mark.parametrize(("make", "message"), [
    (lambda: layers.MaxPooling2D(0), "pool_size"),
    (lambda: layers.MaxPooling2D(2, strides=(1, 2, 3)), "strides"),
    (lambda: layers.AveragePooling1D(2, padding="full"), "padding"),
    (lambda: layers.GlobalMaxPooling2D(data_format="NCHW"), "data_format"),
])
def test_bad_arguments_are_refused(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_a_window_larger_than_the_input_is_refused(jax_backend):
    with pytest.raises(ValueError, match="too small"):
        layers.MaxPooling2D(4)(np.zeros((1, 3, 8, 1), "float32"))
