"""Every initializer draws from Keras 3's distribution: a two-sample Kolmogorov-Smirnov test
against Keras's own draw of a conv kernel's shape, the same mean, variance and bounds; and the
same fans for every weight shape layers use (conv kernels count their receptive field;
recurrent kernels are (input, 4 * units)), so each shape scales as in Keras."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from oneiros import initializers, ops

# A distribution this different from Keras's would pass with a probability below 1e-4.
SIGNIFICANCE = 1e-4

SHAPES = {
    "dense": (256, 128),
    "conv1d": (5, 32, 16),
    "conv2d": (3, 3, 32, 64),
    "depthwise": (3, 3, 64, 1),
    "lstm kernel": (64, 128),
    "lstm recurrent": (32, 128),
    "embedding": (1000, 16),
}

INITIALIZERS = {
    "GlorotUniform": {}, "GlorotNormal": {}, "HeUniform": {}, "HeNormal": {},
    "LecunUniform": {}, "LecunNormal": {}, "RandomNormal": {}, "RandomUniform": {},
    "TruncatedNormal": {}, "VarianceScaling": {},
    "VarianceScaling fan_out uniform": {"scale": 2.0, "mode": "fan_out", "distribution": "uniform"},
    "VarianceScaling fan_avg untruncated": {"mode": "fan_avg", "distribution": "untruncated_normal"},
    "Orthogonal": {}, "Orthogonal gain": {"gain": 0.5},
}
UNBOUNDED = {"RandomNormal", "VarianceScaling fan_avg untruncated", "Orthogonal", "Orthogonal gain"}
# Each distinct shape compiles new random programs on JAX: one shape here, the fans of the others below.
DRAWN_SHAPE = SHAPES["conv2d"]


def draw(namespace, case, shape, seed):
    return np.asarray(getattr(namespace, case.split()[0])(seed=seed, **INITIALIZERS[case])(shape), np.float64)


@pytest.mark.parametrize("case", list(INITIALIZERS))
def test_the_distribution_is_keras_distribution(keras, case):
    shape = DRAWN_SHAPE
    theirs = draw(keras.initializers, case, shape, seed=1)
    ours = draw(initializers, case, shape, seed=2)
    assert ours.shape == theirs.shape
    result = stats.ks_2samp(ours.ravel(), theirs.ravel())
    assert result.pvalue > SIGNIFICANCE, (case, shape, result)
    n = ours.size
    assert abs(ours.mean() - theirs.mean()) < 6 * theirs.std() * np.sqrt(2 / n), (case, shape)
    assert abs(ours.var() / theirs.var() - 1) < 8 / np.sqrt(n), (case, shape)
    if case not in UNBOUNDED:
        # Uniform and truncated draws reach close to their bound at these sizes.
        assert np.abs(ours).max() == pytest.approx(np.abs(theirs).max(), rel=0.05), (case, shape)


@pytest.mark.parametrize("shape", [(32, 128), (3, 3, 16, 32)])
def test_orthogonal_is_orthogonal_like_keras(keras, shape):
    for namespace in (initializers, keras.initializers):
        matrix = np.asarray(namespace.Orthogonal(gain=1.5, seed=3)(shape), np.float64).reshape(-1, shape[-1])
        gram = matrix.T @ matrix if matrix.shape[0] >= matrix.shape[1] else matrix @ matrix.T
        np.testing.assert_allclose(gram, 1.5 ** 2 * np.eye(len(gram)), atol=2e-5)


@pytest.mark.parametrize("shape", list(SHAPES.values()), ids=list(SHAPES))
def test_fans_are_keras_fans(shape):
    from keras.src.initializers.random_initializers import compute_fans

    assert initializers.compute_fans(shape) == tuple(int(fan) for fan in compute_fans(shape))


@pytest.mark.parametrize(("name", "arguments"), [("Zeros", {}), ("Ones", {}), ("Constant", {"value": 0.3}),
                                                 ("Identity", {"gain": 2.0})])
def test_deterministic_initializers_equal_keras(keras, name, arguments):
    ours = getattr(initializers, name)(**arguments)((6, 4))
    theirs = getattr(keras.initializers, name)(**arguments)((6, 4))
    np.testing.assert_array_equal(np.asarray(ops.convert_to_numpy(ours)), np.asarray(theirs))
