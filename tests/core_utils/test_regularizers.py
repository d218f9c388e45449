"""oneiros.regularizers against numpy formulas (and Keras for the orthogonal penalty)."""

import itertools

import numpy as np
import pytest

from oneiros import ops, regularizers
from oneiros.errors import UnknownNameError

W = np.random.default_rng(0).normal(size=(5, 7)).astype(np.float32)


def penalty(regularizer, w=W):
    result = regularizer(ops.convert_to_tensor(w))
    assert tuple(ops.shape(result)) == ()
    return float(ops.to_numpy(result))


def mean_abs_cosine(vectors):
    """Mean |cos| over unordered pairs of distinct vectors, pair by pair."""
    cosines = [abs(np.dot(a, b)) / (np.linalg.norm(a) * np.linalg.norm(b))
               for a, b in itertools.combinations(vectors.astype(np.float64), 2)]
    return sum(cosines) / len(cosines)


def test_l1_l2_l1l2_match_numpy(backend):
    w = W.astype(np.float64)
    assert penalty(regularizers.L1(0.3)) == pytest.approx(0.3 * np.abs(w).sum(), rel=1e-6)
    assert penalty(regularizers.L2(0.2)) == pytest.approx(0.2 * (w**2).sum(), rel=1e-6)
    assert penalty(regularizers.L1L2(l1=0.3, l2=0.2)) == pytest.approx(
        0.3 * np.abs(w).sum() + 0.2 * (w**2).sum(), rel=1e-6)
    assert penalty(regularizers.L1L2()) == 0.0


@pytest.mark.parametrize(("mode", "vectors"), [("rows", W), ("columns", W.T)])
def test_orthogonal_regularizer_is_factor_times_mean_abs_cosine(backend, mode, vectors):
    expected = 0.05 * mean_abs_cosine(vectors)
    assert penalty(regularizers.OrthogonalRegularizer(0.05, mode)) == pytest.approx(expected, rel=1e-5)


@pytest.mark.parametrize("mode", ["rows", "columns"])
def test_orthogonal_regularizer_matches_keras(backend, mode):
    import keras

    expected = float(keras.regularizers.OrthogonalRegularizer(0.1, mode)(keras.ops.convert_to_tensor(W)))
    assert penalty(regularizers.OrthogonalRegularizer(0.1, mode)) == pytest.approx(expected, rel=1e-5)


def test_orthogonal_regularizer_edge_cases(backend):
    assert penalty(regularizers.OrthogonalRegularizer(), np.eye(4, dtype=np.float32)) == 0.0
    assert penalty(regularizers.OrthogonalRegularizer(), np.ones((1, 3), np.float32)) == 0.0
    zero_row = np.array([[0.0, 0.0], [1.0, 1.0], [1.0, 0.0]], np.float32)
    # The zero row contributes cosines of 0; the one remaining pair has cosine 1/sqrt(2).
    assert penalty(regularizers.OrthogonalRegularizer(1.0), zero_row) == pytest.approx(
        (1 / np.sqrt(2)) / 3, rel=1e-5)
    with pytest.raises(ValueError, match=r"2-D weight.*\(2, 2, 2\)"):
        regularizers.OrthogonalRegularizer()(ops.ones((2, 2, 2)))


def test_penalty_keeps_the_weight_dtype(backend):
    for regularizer in (regularizers.L1(), regularizers.L2(), regularizers.L1L2(),
                        regularizers.OrthogonalRegularizer()):
        assert ops.dtype(regularizer(ops.ones((3, 4), "float16"))) == "float16"


def test_regularizers_compile(backend):
    for regularizer in (regularizers.L1L2(0.1, 0.2), regularizers.OrthogonalRegularizer(0.3)):
        w = ops.convert_to_tensor(W)
        assert float(ops.to_numpy(backend.jit(regularizer)(w))) == pytest.approx(
            float(ops.to_numpy(regularizer(w))), rel=1e-6)


def test_get_by_name_dict_and_instance():
    assert regularizers.get(None) is None
    assert regularizers.get("l1").get_config() == {"l1": 0.01}
    assert regularizers.get("l2").get_config() == {"l2": 0.01}
    assert regularizers.get("l1_l2").get_config() == {"l1": 0.01, "l2": 0.01}
    assert regularizers.get("orthogonal_regularizer").get_config() == {"factor": 0.01, "mode": "rows"}
    assert isinstance(regularizers.get("L1L2"), regularizers.L1L2)
    instance = regularizers.L2(0.5)
    assert regularizers.get(instance) is instance
    assert regularizers.get({"class_name": "L1", "config": {"l1": 0.2}}).l1 == 0.2
    with pytest.raises(UnknownNameError, match="regularizer 'l3'"):
        regularizers.get("l3")


@pytest.mark.parametrize("regularizer", [
    regularizers.L1(0.25), regularizers.L2(0.5), regularizers.L1L2(0.1, 0.0),
    regularizers.OrthogonalRegularizer(0.2, "columns"),
])
def test_config_round_trip_and_keras_config(regularizer):
    import keras

    rebuilt = type(regularizer).from_config(regularizer.get_config())
    assert rebuilt.get_config() == regularizer.get_config()
    assert regularizers.deserialize(regularizers.serialize(regularizer)).get_config() == regularizer.get_config()
    keras_config = getattr(keras.regularizers, type(regularizer).__name__)(**regularizer.get_config()).get_config()
    assert keras_config.keys() == regularizer.get_config().keys()
    for key, value in regularizer.get_config().items():
        # Keras keeps some factors as float32 tensors, so compare numbers approximately.
        assert keras_config[key] == (pytest.approx(value) if isinstance(value, float) else value)


@pytest.mark.parametrize(("factory", "pattern"), [
    (lambda: regularizers.L2(-0.1), r"L2: argument `l2` must be a finite number >= 0; received l2=-0.1"),
    (lambda: regularizers.L1(float("inf")), r"`l1`.*received l1=inf"),
    (lambda: regularizers.L1L2(l1="a"), r"`l1`.*received l1='a'"),
    (lambda: regularizers.OrthogonalRegularizer(mode="diagonal"), r"`mode`.*'rows', 'columns'.*'diagonal'"),
    (lambda: regularizers.OrthogonalRegularizer(factor=-1), r"`factor`.*factor=-1"),
])
def test_bad_arguments_raise_value_errors(factory, pattern):
    with pytest.raises(ValueError, match=pattern):
        factory()
