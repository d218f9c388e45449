"""Cases for the composite nn ops: more activations, normalizations, loss ops, multi-hot, in-top-k."""

from __future__ import annotations

import numpy as np

from oneiros.testing.conformance._case import call, case
from oneiros.testing.conformance._data import away_from_zero, distinct, integers, normal, uniform


def _kinks_avoided(r: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """Values in [-3, 3] away from the kinks at 0, +-0.5 and +-1 of the piecewise activations."""
    values = uniform(r, shape, -3.0, 3.0)
    for kink in (-1.0, -0.5, 0.0, 0.5, 1.0):
        values = np.where(np.abs(values - kink) < 0.08, kink + 0.15, values)
    return values.astype("float32")


def _probabilities(r: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    values = uniform(r, shape, 0.1, 1.0)
    return (values / values.sum(axis=-1, keepdims=True)).astype("float32")


ACTIVATIONS = [
    case(op, "float32", lambda r: call(_kinks_avoided(r, (2, 5))), wrt=(0,))
    for op in ("celu", "hard_shrink", "soft_shrink", "hard_swish", "swish", "hard_tanh", "tanh_shrink",
               "sparse_plus", "sparse_sigmoid", "squareplus")
] + [
    case(op, "int32-gives-float32", lambda r: call(integers(r, (4,), -3, 4)))
    for op in ("celu", "swish", "sparse_plus", "squareplus")
] + [
    case("celu", "alpha", lambda r: call(normal(r, (2, 3)), 0.5), wrt=(0,)),
    case("hard_shrink", "threshold", lambda r: call(_kinks_avoided(r, (6,)), 1.5)),
    case("soft_shrink", "threshold", lambda r: call(_kinks_avoided(r, (6,)), 1.5)),
    case("squareplus", "b", lambda r: call(normal(r, (4,)), 1.0)),
    case("hard_tanh", "float16", lambda r: call(normal(r, (4,), 2.0, "float16"))),
    case("glu", "last-axis", lambda r: call(normal(r, (2, 6))), wrt=(0,)),
    case("glu", "axis0", lambda r: call(normal(r, (4, 3)), 0)),
    case("threshold", "float32", lambda r: call(_kinks_avoided(r, (2, 4)), 0.2, -1.0), wrt=(0,)),
    case("threshold", "int32", lambda r: call(integers(r, (5,), -3, 4), 1, 0)),
    case("sparsemax", "last-axis", lambda r: call(normal(r, (3, 5), 2.0)), wrt=(0,), rtol=1e-5, atol=1e-6),
    case("sparsemax", "axis0-one-winner", lambda r: call(np.array([[5.0, 0.1], [0.0, 0.2], [-1.0, 0.3]], np.float32), 0),
         rtol=1e-5, atol=1e-6),
]

NORMALIZATIONS = [
    case("normalize", "l2", lambda r: call(normal(r, (3, 4))), wrt=(0,)),
    case("normalize", "l1-axis0", lambda r: call(away_from_zero(r, (3, 4)), 0, 1), wrt=(0,)),
    case("normalize", "l3-zero-row", lambda r: call(np.array([[0.0, 0.0], [1.0, -2.0]], np.float32), -1, 3)),
    case("rms_normalization", "plain", lambda r: call(normal(r, (2, 5))), wrt=(0,)),
    case("rms_normalization", "scale-axis-tuple", lambda r: call(normal(r, (2, 3, 4)), normal(r, (3, 4)), (1, 2)),
         wrt=(0, 1)),
    case("layer_normalization", "gamma-beta", lambda r: call(normal(r, (3, 5)), normal(r, (5,)), normal(r, (5,))),
         wrt=(0, 1, 2), rtol=1e-5, atol=1e-6),
    case("layer_normalization", "axis-tuple-epsilon",
         lambda r: call(normal(r, (2, 3, 4)), None, None, (1, 2), 1e-3), rtol=1e-5, atol=1e-6),
    case("layer_normalization", "middle-axis-gamma",
         lambda r: call(normal(r, (2, 3, 4)), normal(r, (3,)), None, 1), rtol=1e-5, atol=1e-6),
    case("batch_normalization", "channels-last",
         lambda r: call(normal(r, (4, 3)), normal(r, (3,)), uniform(r, (3,), 0.5, 2.0), -1, normal(r, (3,)),
                        normal(r, (3,))), wrt=(0, 1, 2, 4, 5)),
    case("batch_normalization", "axis1-no-offset",
         lambda r: call(normal(r, (2, 3, 4)), normal(r, (3,)), uniform(r, (3,), 0.5, 2.0), 1, epsilon=0.01)),
]

LOSSES_AND_METRICS = [
    case("binary_crossentropy", "probabilities", lambda r: call(uniform(r, (3, 4), 0, 1), uniform(r, (3, 4), 0.05, 0.95)),
         wrt=(0, 1)),
    case("binary_crossentropy", "logits", lambda r: call(uniform(r, (3, 4), 0, 1), normal(r, (3, 4), 3.0), True),
         wrt=(0, 1)),
    case("binary_crossentropy", "clipped-extremes", lambda r: call(np.array([0.0, 1.0, 1.0], np.float32),
                                                                   np.array([0.0, 1.0, 0.0], np.float32))),
    case("categorical_crossentropy", "probabilities",
         lambda r: call(_probabilities(r, (3, 4)), _probabilities(r, (3, 4))), wrt=(0, 1)),
    case("categorical_crossentropy", "logits-axis0",
         lambda r: call(_probabilities(r, (4, 3)).T.copy(), normal(r, (3, 4)), True, 0), wrt=(0, 1)),
    case("sparse_categorical_crossentropy", "probabilities",
         lambda r: call(integers(r, (3,), 0, 4), _probabilities(r, (3, 4))), wrt=(1,)),
    case("sparse_categorical_crossentropy", "logits-trailing-1",
         lambda r: call(integers(r, (2, 3, 1), 0, 5), normal(r, (2, 3, 5)), True), wrt=(1,)),
    case("multi_hot", "batch", lambda r: call(integers(r, (3, 4), 0, 5), 5)),
    case("multi_hot", "1d-int8-dtype", lambda r: call(integers(r, (4,), 0, 6), 6, dtype="int32")),
    case("in_top_k", "k2-with-ties", lambda r: call(np.array([1, 0, 2], np.int32),
                                                     np.array([[0.1, 0.5, 0.5], [0.2, 0.3, 0.5], [0.9, 0.0, 0.1]],
                                                              np.float32), 2)),
    case("in_top_k", "k1", lambda r: call(integers(r, (4,), 0, 5), distinct(r, (4, 5)), 1)),
    case("psnr", "max-1", lambda r: call(uniform(r, (2, 8), 0, 1), uniform(r, (2, 8), 0, 1), 1.0), wrt=(0, 1)),
    case("psnr", "max-255", lambda r: call(uniform(r, (4, 4), 0, 255), uniform(r, (4, 4), 0, 255), 255)),
]

CASES = ACTIVATIONS + NORMALIZATIONS + LOSSES_AND_METRICS
