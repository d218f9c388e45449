"""oneiros.constraints against numpy projections computed slice by slice."""

import numpy as np
import pytest

from oneiros import constraints, ops
from oneiros.errors import UnknownNameError

EPSILON = 1e-7
DENSE = np.random.default_rng(0).normal(size=(6, 4)).astype(np.float32) * 2
CONV = np.random.default_rng(1).normal(size=(3, 3, 2, 5)).astype(np.float32)


def project_slices(w, axis, target_norm):
    """Each slice over ``axis`` rescaled from its norm n to target_norm(n), one slice at a time."""
    axes = (axis,) if isinstance(axis, int) else tuple(axis)
    kept = [a for a in range(w.ndim) if a not in axes]
    out = np.empty_like(w, dtype=np.float64)
    for index in np.ndindex(*[w.shape[a] for a in kept]):
        selector = [slice(None)] * w.ndim
        for a, i in zip(kept, index):
            selector[a] = i
        piece = w[tuple(selector)].astype(np.float64)
        norm = np.sqrt((piece**2).sum())
        out[tuple(selector)] = piece * target_norm(norm) / (norm + EPSILON)
    return out


def apply(constraint, w):
    return ops.to_numpy(constraint(ops.convert_to_tensor(w)))


@pytest.mark.parametrize(("w", "axis"), [(DENSE, 0), (DENSE, 1), (CONV, [0, 1, 2]), (CONV, 3)])
def test_max_norm(backend, w, axis):
    expected = project_slices(w, axis, lambda n: min(n, 1.5))
    np.testing.assert_allclose(apply(constraints.MaxNorm(1.5, axis), w), expected, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize(("w", "axis"), [(DENSE, 0), (DENSE, 1), (CONV, [0, 1, 2])])
@pytest.mark.parametrize("rate", [1.0, 0.3])
def test_min_max_norm(backend, w, axis, rate):
    expected = project_slices(w, axis, lambda n: rate * min(max(n, 2.0), 3.0) + (1 - rate) * n)
    result = apply(constraints.MinMaxNorm(2.0, 3.0, rate, axis), w)
    np.testing.assert_allclose(result, expected, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize(("w", "axis"), [(DENSE, 0), (DENSE, 1), (CONV, [0, 1, 2])])
def test_unit_norm(backend, w, axis):
    np.testing.assert_allclose(apply(constraints.UnitNorm(axis), w), project_slices(w, axis, lambda n: 1.0),
                               rtol=1e-5, atol=1e-6)


def test_non_neg(backend):
    np.testing.assert_array_equal(apply(constraints.NonNeg(), DENSE),
                                  [[max(v, 0.0) for v in row] for row in DENSE])


def test_zero_slices_stay_zero(backend):
    w = np.zeros((3, 2), np.float32)
    for constraint in (constraints.MaxNorm(), constraints.MinMaxNorm(1.0, 2.0), constraints.UnitNorm()):
        np.testing.assert_array_equal(apply(constraint, w), w)


def test_constraints_keep_dtype_and_compile(backend):
    for constraint in (constraints.MaxNorm(), constraints.MinMaxNorm(), constraints.NonNeg(),
                       constraints.UnitNorm()):
        assert ops.dtype(constraint(ops.ones((3, 2), "bfloat16"))) == "bfloat16"
        w = ops.convert_to_tensor(DENSE)
        np.testing.assert_allclose(ops.to_numpy(backend.jit(constraint)(w)), ops.to_numpy(constraint(w)),
                                   rtol=1e-6, atol=1e-7)


def test_get_by_name_dict_and_instance():
    assert isinstance(constraints.get("max_norm"), constraints.MaxNorm)
    assert isinstance(constraints.get("min_max_norm"), constraints.MinMaxNorm)
    assert isinstance(constraints.get("non_neg"), constraints.NonNeg)
    assert isinstance(constraints.get("unit_norm"), constraints.UnitNorm)
    assert isinstance(constraints.get("UnitNorm"), constraints.UnitNorm)
    assert constraints.get(None) is None
    instance = constraints.MaxNorm(3)
    assert constraints.get(instance) is instance
    assert constraints.get({"class_name": "MaxNorm", "config": {"max_value": 4, "axis": [0, 1]}}).axis == (0, 1)
    with pytest.raises(UnknownNameError, match="constraint 'max_nrom'.*max_norm"):
        constraints.get("max_nrom")


@pytest.mark.parametrize("name", ["MaxNorm", "MinMaxNorm", "NonNeg", "UnitNorm"])
def test_config_round_trip_and_keras_defaults(name):
    import keras

    ours = getattr(constraints, name)()
    assert type(ours).from_config(ours.get_config()).get_config() == ours.get_config()
    assert constraints.deserialize(constraints.serialize(ours)).get_config() == ours.get_config()
    assert ours.get_config() == getattr(keras.constraints, name)().get_config()


def test_list_axis_survives_a_json_config():
    import json

    constraint = constraints.MaxNorm(2.0, axis=(0, 1, 2))
    config = json.loads(json.dumps(constraint.get_config()))
    assert config == {"max_value": 2.0, "axis": [0, 1, 2]}
    assert constraints.MaxNorm.from_config(config).axis == (0, 1, 2)


@pytest.mark.parametrize(("factory", "pattern"), [
    (lambda: constraints.MaxNorm(-1.0), r"MaxNorm: argument `max_value` must be a finite number >= 0; "
                                        r"received max_value=-1.0"),
    (lambda: constraints.MaxNorm(axis="rows"), r"`axis`.*received axis='rows'"),
    (lambda: constraints.UnitNorm(axis=[0, 0]), r"`axis`.*distinct.*axis=\[0, 0\]"),
    (lambda: constraints.MinMaxNorm(2.0, 1.0), r"`max_value`.*>= 2.*max_value=1.0"),
    (lambda: constraints.MinMaxNorm(rate=1.5), r"`rate`.*\[0, 1\].*rate=1.5"),
])
def test_bad_arguments_raise_value_errors(factory, pattern):
    with pytest.raises(ValueError, match=pattern):
        factory()
