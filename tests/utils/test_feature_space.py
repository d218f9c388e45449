"""oi.utils.FeatureSpace against keras.utils.FeatureSpace itself (tf.data under it) on the same data,
hashed features included (oi.layers.Hashing bins are Keras's FarmHash bins)."""

import keras
import numpy as np
import pytest

import oneiros as oi

FeatureSpace = oi.utils.FeatureSpace
TYPES = {"f": "float", "fn": "float_normalized", "fr": "float_rescaled", "fd": "float_discretized",
         "ic": "integer_categorical", "sc": "string_categorical", "ih": "integer_hashed", "sh": "string_hashed"}
OPTIONS = dict(crosses=[("ic", "sc"), ("sh", "ih")], crossing_dim=8, hashing_dim=16, num_discretization_bins=4)


def make_data(seed, count=40):
    rng = np.random.default_rng(seed)
    return {"f": rng.normal(size=count).astype("float32"), "fn": rng.normal(3, 2, size=count).astype("float32"),
            "fr": rng.uniform(size=count).astype("float32"), "fd": rng.uniform(size=count).astype("float32"),
            "ic": rng.integers(0, 5, size=count).astype("int32"),
            "sc": np.array(["a", "b", "c", "d"])[rng.integers(0, 4, size=count)],
            "ih": rng.integers(0, 100, size=count).astype("int32"),
            "sh": np.array(["x", "yy", "zzz"])[rng.integers(0, 3, size=count)]}


@pytest.fixture(scope="module")
def spaces():
    """Both libraries' dict-mode spaces, adapted on the same data."""
    data = make_data(0)
    ours, theirs = FeatureSpace(TYPES, output_mode="dict", **OPTIONS), keras.utils.FeatureSpace(
        TYPES, output_mode="dict", **OPTIONS)
    ours.adapt(data)
    theirs.adapt(data)
    return ours, theirs


def test_every_feature_type_and_cross_equals_keras(spaces):
    ours, theirs = spaces
    data = make_data(1, count=25)  # unseen values reach the out-of-vocabulary index too
    data["sc"][:3] = "unseen"
    got, expected = ours(data), theirs(data)
    assert list(got) == list(expected)
    for key in expected:
        value = np.asarray(got[key])
        assert value.shape == np.asarray(expected[key]).shape, key
        np.testing.assert_allclose(value, np.asarray(expected[key]), rtol=1e-5, atol=1e-5, err_msg=key)


def test_concat_equals_keras_and_batches_adapt_as_a_whole():
    data = make_data(2)
    theirs = keras.utils.FeatureSpace(TYPES, crosses=[("ic", "sc")], crossing_dim=8, num_discretization_bins=4)
    theirs.adapt(data)
    ours = FeatureSpace(TYPES, crosses=[FeatureSpace.cross(("ic", "sc"), crossing_dim=8)], num_discretization_bins=4)
    ours.adapt([{key: value[start:start + 16] for key, value in data.items()} for start in range(0, 40, 16)])
    got = np.asarray(ours(data))
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, np.asarray(theirs(data)), rtol=1e-5, atol=1e-5)
    single = {key: value[0] for key, value in data.items()}
    np.testing.assert_allclose(np.asarray(ours(single)), got[0], rtol=1e-6)


def test_feature_arguments_equal_keras():
    data = {key: value for key, value in make_data(3).items() if key in ("fr", "fd", "ic", "sc")}
    specs = {"keras": keras.utils.FeatureSpace, "oneiros": FeatureSpace}
    built = {}
    for library, space in specs.items():
        features = {"fr": space.float_rescaled(scale=2.0, offset=-1.0),
                    "fd": space.float_discretized(num_bins=3, output_mode="int"),
                    "ic": space.integer_categorical(max_tokens=4, num_oov_indices=2),
                    "sc": space.string_categorical(output_mode="int")}
        built[library] = space(features, output_mode="dict")
        built[library].adapt(data)
    got, expected = built["oneiros"](data), built["keras"](data)
    for key in expected:
        np.testing.assert_allclose(np.asarray(got[key]), np.asarray(expected[key]), err_msg=key)


def test_fixed_bin_boundaries_by_hand():
    """Keras's own FeatureSpace tries to adapt a Discretization given its boundaries and fails; ours skips it."""
    space = FeatureSpace({"x": FeatureSpace.float_discretized(num_bins=None, bin_boundaries=[0.25, 0.5])},
                         output_mode="dict")
    space.adapt({"x": np.zeros(2, "float32")})
    values = np.array([0.1, 0.3, 0.7], "float32")
    np.testing.assert_array_equal(np.asarray(space({"x": values})["x"]), np.eye(3, dtype="float32"))


def test_config_round_trip(spaces):
    ours, _ = spaces
    config = ours.get_config()
    assert set(config) >= {"features", "output_mode", "crosses", "crossing_dim", "hashing_dim",
                           "num_discretization_bins"}
    again = FeatureSpace.from_config(config)
    assert [cross.name for cross in again.crosses] == ["ic_X_sc", "sh_X_ih"]
    data = make_data(0)
    again.adapt(data)
    for key, value in ours(data).items():
        np.testing.assert_allclose(np.asarray(again(data)[key]), np.asarray(value), rtol=1e-6, err_msg=key)


def test_refusals(spaces):
    ours, _ = spaces
    with pytest.raises(ValueError, match=r"feature 'a'.*'float_normalised'"):
        FeatureSpace({"a": "float_normalised"})
    with pytest.raises(ValueError, match=r"unknown \['z'\]"):
        FeatureSpace({"a": "float"}, crosses=[("a", "z")])
    with pytest.raises(ValueError, match=r"output_mode.*'stack'"):
        FeatureSpace({"a": "float"}, output_mode="stack")
    with pytest.raises(ValueError, match=r"adapt"):
        FeatureSpace({"a": "float_normalized"})({"a": np.ones(3)})
    with pytest.raises(ValueError, match=r"lack features \['fd'"):
        ours({key: value for key, value in make_data(0).items() if key != "fd"})
    with pytest.raises(ValueError, match="not encoded"):
        space = FeatureSpace({"i": FeatureSpace.integer_categorical(output_mode="int")})
        space.adapt({"i": np.array([1, 2])})
        space({"i": np.array([1, 2])})
