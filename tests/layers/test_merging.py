"""Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate and Dot against numpy
arithmetic, with Keras's broadcasting, masks and error messages."""

from __future__ import annotations

import numpy as np
import pytest

import oneiros as oi
from oneiros import layers, ops

RNG = np.random.default_rng(3)
A = RNG.normal(size=(2, 3, 4)).astype("float32")
B = RNG.normal(size=(2, 3, 4)).astype("float32")
C = RNG.normal(size=(2, 3, 4)).astype("float32")
VECTOR = RNG.normal(size=(2, 4)).astype("float32")


def numpy_of(value):
    return np.asarray(ops.to_numpy(value))


ELEMENTWISE = {
    "Add": lambda xs: xs[0] + xs[1] + xs[2],
    "Multiply": lambda xs: xs[0] * xs[1] * xs[2],
    "Average": lambda xs: (xs[0] + xs[1] + xs[2]) / 3,
    "Maximum": lambda xs: np.where(np.where(xs[0] > xs[1], xs[0], xs[1]) > xs[2],
                                   np.where(xs[0] > xs[1], xs[0], xs[1]), xs[2]),
    "Minimum": lambda xs: np.where(np.where(xs[0] < xs[1], xs[0], xs[1]) < xs[2],
                                   np.where(xs[0] < xs[1], xs[0], xs[1]), xs[2]),
}


@pytest.mark.parametrize("name", sorted(ELEMENTWISE))
def test_elementwise_merges_of_three_inputs(backend, name):
    out = numpy_of(getattr(layers, name)()([A, B, C]))
    np.testing.assert_allclose(out, ELEMENTWISE[name]([A, B, C]), rtol=1e-6)


def test_subtract_takes_exactly_two(backend):
    np.testing.assert_allclose(numpy_of(layers.Subtract()([A, B])), A - B)
    layer = layers.Subtract(name="difference")
    with pytest.raises(ValueError, match=r"Subtract 'difference' should be called on exactly 2 inputs; "
                                         r"received 3 inputs of shapes \[\(2, 3, 4\), \(2, 3, 4\), \(2, 3, 4\)\]"):
        layer([A, B, C])


def test_lower_rank_inputs_gain_axes_after_the_batch_axis(backend):
    out = numpy_of(layers.Add()([A, VECTOR]))
    expected = np.empty_like(A)
    for t in range(3):
        expected[:, t, :] = A[:, t, :] + VECTOR
    np.testing.assert_allclose(out, expected, rtol=1e-6)
    column = A[:, :, :1]
    np.testing.assert_allclose(numpy_of(layers.Multiply()([A, column])), A * column, rtol=1e-6)


def test_shape_errors_name_the_layer_and_the_shapes():
    with pytest.raises(ValueError, match=r"Add 'summing' received inputs with incompatible shapes "
                                         r"\[\(None, 3\), \(None, 4\)\]: sizes 3 and 4"):
        layers.Add(name="summing")([oi.Input((3,)), oi.Input((4,))])
    with pytest.raises(ValueError, match=r"Maximum 'biggest' cannot merge inputs with different batch sizes; "
                                         r"received shapes \[\(2, 4\), \(3, 4\)\]"):
        layers.Maximum(name="biggest")([np.ones((2, 4), "float32"), np.ones((3, 4), "float32")])
    with pytest.raises(ValueError, match=r"Average 'mean' should be called on a list of inputs; "
                                         r"received input shape \(2, 4\)"):
        layers.Average(name="mean")(np.ones((2, 4), "float32"))
    with pytest.raises(ValueError, match=r"Concatenate 'joined' requires inputs with matching shapes except for "
                                         r"the concatenation axis -1; received shapes \[\(None, 3, 4\), \(None, 2, 4\)\]"):
        layers.Concatenate(name="joined")([oi.Input((3, 4)), oi.Input((2, 4))])
    with pytest.raises(ValueError, match=r"Dot 'product' contracts axis 1 \(size 3\) of the first input with axis 1 "
                                         r"\(size 4\) of the second, which differ; received shapes"):
        layers.Dot(axes=1, name="product")([oi.Input((3,)), oi.Input((4,))])


def test_output_shapes_with_an_unknown_batch():
    cases = [
        (layers.Add(), [(3, 4), (4,)], (None, 3, 4)),
        (layers.Multiply(), [(3, 1), (3, 4)], (None, 3, 4)),
        (layers.Concatenate(axis=1), [(3, 4), (2, 4)], (None, 5, 4)),
        (layers.Concatenate(), [(3, 4), (3, 2)], (None, 3, 6)),
        (layers.Dot(axes=(1, 1)), [(3, 4), (3, 5)], (None, 4, 5)),
        (layers.Dot(axes=-1), [(4,), (4,)], (None, 1)),
    ]
    for layer, shapes, expected in cases:
        assert layer([oi.Input(shape) for shape in shapes]).shape == expected


def test_concatenate_along_each_axis(backend):
    np.testing.assert_array_equal(numpy_of(layers.Concatenate()([A, B])), np.concatenate([A, B], axis=-1))
    np.testing.assert_array_equal(numpy_of(layers.Concatenate(axis=1)([A, B[:, :2]])),
                                  np.concatenate([A, B[:, :2]], axis=1))


def test_dot_products_against_loops(backend):
    x, y = A[:, 0], B[:, 0]
    out = numpy_of(layers.Dot(axes=-1)([x, y]))
    np.testing.assert_allclose(out, np.array([[sum(x[b, i] * y[b, i] for i in range(4))] for b in range(2)]),
                               rtol=1e-5)
    out = numpy_of(layers.Dot(axes=(1, 1))([A, C]))
    expected = np.zeros((2, 4, 4), "float32")
    for b in range(2):
        for i in range(4):
            for j in range(4):
                expected[b, i, j] = sum(A[b, t, i] * C[b, t, j] for t in range(3))
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-6)
    out = numpy_of(layers.Dot(axes=(2, 2))([A, C]))
    np.testing.assert_allclose(out, np.stack([A[b] @ C[b].T for b in range(2)]), rtol=1e-5, atol=1e-6)


def test_dot_normalize_gives_cosine_similarity(backend):
    x, y = A[:, 0], B[:, 0]
    out = numpy_of(layers.Dot(axes=1, normalize=True)([x, y]))
    cosine = [np.dot(x[b], y[b]) / np.sqrt(np.dot(x[b], x[b]) * np.dot(y[b], y[b])) for b in range(2)]
    np.testing.assert_allclose(out[:, 0], cosine, rtol=1e-5)
    zeros = numpy_of(layers.Dot(axes=1, normalize=True)([np.zeros_like(x), y]))
    np.testing.assert_array_equal(zeros, np.zeros((2, 1), "float32"))


MASK_A = np.array([[True, False, True], [False, False, True]])
MASK_B = np.array([[False, False, True], [True, False, False]])


def test_maximum_under_masks_takes_the_unmasked_value(backend):
    out = numpy_of(layers.Maximum()([A, B], mask=[MASK_A, MASK_B]))
    for b in range(2):
        for t in range(3):
            if MASK_A[b, t] and MASK_B[b, t]:
                expected = np.maximum(A[b, t], B[b, t])
            elif MASK_B[b, t]:
                expected = B[b, t]
            else:  # only A unmasked, or both masked: Keras keeps the first input's value
                expected = A[b, t]
            np.testing.assert_array_equal(out[b, t], expected)


def test_multiply_under_masks_counts_masked_steps_as_one(backend):
    out = numpy_of(layers.Multiply()([A, B], mask=[MASK_A, MASK_B]))
    for b in range(2):
        for t in range(3):
            if not (MASK_A[b, t] or MASK_B[b, t]):
                expected = np.zeros(4, "float32")
            else:
                expected = (A[b, t] if MASK_A[b, t] else 1.0) * (B[b, t] if MASK_B[b, t] else 1.0)
            np.testing.assert_allclose(out[b, t], expected, rtol=1e-6)


def test_output_masks(backend):
    merged = numpy_of(layers.Add().compute_mask([A, B], [MASK_A, MASK_B]))
    np.testing.assert_array_equal(merged, MASK_A | MASK_B)
    assert layers.Add().compute_mask([A, B], [MASK_A, None]) is None
    assert layers.Dot(axes=2).compute_mask([A, B], [MASK_A, MASK_B]) is None
    along_time = numpy_of(layers.Concatenate(axis=1).compute_mask([A, B], [MASK_A, None]))
    np.testing.assert_array_equal(along_time, np.concatenate([MASK_A, np.ones((2, 3), bool)], axis=1))
    along_features = numpy_of(layers.Concatenate().compute_mask([A, B], [MASK_A, None]))
    np.testing.assert_array_equal(along_features, np.ones((2, 3), bool))
