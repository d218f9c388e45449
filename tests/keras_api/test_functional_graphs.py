"""Functional graphs written the Keras way: Python operators and ``ops.*`` on symbolic tensors,
the merge functions, ``.input``/``.output`` of layers and models, ``Model.from_config``.

Oracles: numpy computations with the model's own weights, and Keras 3 given the same weights.
"""

from __future__ import annotations

import json
import os

import numpy as np
import pytest

os.environ.setdefault("KERAS_BACKEND", "jax")
import keras  # noqa: E402

import oneiros as oi  # noqa: E402
from oneiros import layers, ops  # noqa: E402
from oneiros.errors import OneirosError  # noqa: E402

RNG = np.random.default_rng(7)
X = RNG.normal(size=(5, 4, 6)).astype("float32")
PROJECTION = RNG.normal(size=(3, 2)).astype("float32")


def residual_graph(framework):
    """The same program in Keras or Oneiros: operators, ops and indexing on symbolic tensors."""
    inputs = framework.Input((4, 6))
    hidden = framework.layers.Dense(6, name="hidden")(inputs) + inputs
    pooled = framework.ops.mean(hidden, axis=1) * 2.0 - 1.0
    head = -pooled[:, :3] @ PROJECTION
    scaled = framework.ops.exp(head / 4.0) ** 2
    first_step = hidden[:, 0]
    return framework.Model(inputs, [scaled, first_step, abs(pooled) > 0.5])


@pytest.fixture(scope="module")
def models():
    ours, theirs = residual_graph(oi), residual_graph(keras)
    weights = [RNG.normal(size=w.shape).astype("float32") for w in theirs.get_weights()]
    ours.set_weights(weights)
    theirs.set_weights(weights)
    return ours, theirs, weights


def test_operators_and_ops_on_symbolic_tensors_match_numpy_and_keras(models):
    ours, theirs, (kernel, bias) = models
    hidden = X @ kernel + bias + X
    pooled = hidden.mean(axis=1) * 2.0 - 1.0
    expected = [np.exp((-pooled[:, :3] @ PROJECTION) / 4.0) ** 2, hidden[:, 0], np.abs(pooled) > 0.5]
    predicted = ours.predict(X, verbose=0)
    keras_predicted = theirs.predict(X, verbose=0)
    for value, reference, keras_value in zip(predicted, expected, keras_predicted):
        np.testing.assert_allclose(value, reference, rtol=1e-5, atol=1e-5)
        np.testing.assert_allclose(value, keras_value, rtol=1e-5, atol=1e-5)
    assert predicted[2].dtype == np.bool_


def test_symbolic_shapes_and_dtypes_follow_keras(models):
    ours, theirs, _ = models
    assert [tuple(t.shape) for t in ours.outputs] == [tuple(t.shape) for t in theirs.outputs]
    assert [t.dtype for t in ours.outputs] == [str(t.dtype) for t in theirs.outputs]
    assert ours.count_params() == theirs.count_params()


def test_functional_config_with_ops_round_trips_through_json_and_from_config(models, tmp_path):
    ours, _, _ = models
    config = json.loads(json.dumps(ours.get_config()))
    rebuilt = oi.Model.from_config(config)
    rebuilt.set_weights(ours.get_weights())
    for a, b in zip(rebuilt.predict(X, verbose=0), ours.predict(X, verbose=0)):
        np.testing.assert_array_equal(a, b)
    path = tmp_path / "ops.oneiros"
    ours.save(path)
    loaded = oi.load_model(path)
    np.testing.assert_array_equal(loaded.predict(X, verbose=0)[0], ours.predict(X, verbose=0)[0])


def test_a_config_naming_something_other_than_an_op_is_refused():
    with pytest.raises(OneirosError, match=r"oneiros.ops.*received op='system'"):
        layers.OpLayer("system", {"args": ["rm -rf /"], "kwargs": {}})
    with pytest.raises(OneirosError, match="arguments"):
        layers.OpLayer("add", {"args": []})


def test_symbolic_tensors_have_no_value_and_cannot_capture_variables():
    inputs = oi.Input((3,))
    with pytest.raises(OneirosError, match="symbolic tensor"):
        ops.to_numpy(inputs)
    variable = oi.Variable(np.ones((3,), "float32"), name="free")
    with pytest.raises(OneirosError, match="variable 'free'.*custom layer"):
        ops.add(inputs, variable)
    assert ops.shape(inputs) == (None, 3)
    assert ops.dtype(inputs) == "float32"


MERGES = {
    "add": lambda a, b: a + b,
    "subtract": lambda a, b: a - b,
    "multiply": lambda a, b: a * b,
    "average": lambda a, b: (a + b) / 2,
    "maximum": np.maximum,
    "minimum": np.minimum,
    "concatenate": lambda a, b: np.concatenate([a, b], axis=-1),
    "dot": lambda a, b: np.sum(a * b, axis=-1, keepdims=True),
}


@pytest.mark.parametrize("name", sorted(MERGES))
def test_merge_functions_build_their_layer(name):
    a, b = oi.Input((5,)), oi.Input((5,))
    kwargs = {"axes": -1} if name == "dot" else {}
    merged = getattr(layers, name)([a, b], **kwargs)
    model = oi.Model([a, b], merged)
    first, second = RNG.normal(size=(4, 5)).astype("float32"), RNG.normal(size=(4, 5)).astype("float32")
    np.testing.assert_allclose(model.predict([first, second], verbose=0), MERGES[name](first, second),
                               rtol=1e-5, atol=1e-6)
    assert type(model.layers[-1]).__name__.lower() == name


def test_sequential_inputs_outputs_and_a_feature_extractor():
    model = oi.Sequential([layers.Input((6,)), layers.Dense(5, activation="relu", name="features"),
                           layers.Dense(3)])
    assert [t.shape for t in model.inputs] == [(None, 6)]
    assert [t.shape for t in model.outputs] == [(None, 3)]
    assert model.get_layer("features").output.shape == (None, 5)
    assert model.layers[0].input is model.inputs[0]
    extractor = oi.Model(inputs=model.inputs, outputs=model.get_layer("features").output)
    x = RNG.normal(size=(4, 6)).astype("float32")
    kernel, bias = model.get_layer("features").get_weights()
    np.testing.assert_allclose(extractor.predict(x, verbose=0), np.maximum(x @ kernel + bias, 0), rtol=1e-5,
                               atol=1e-6)
    model.add(layers.Dense(2))
    assert len(model.layers[0]._inbound_nodes) == 1, "rebuilding after add() must not pile up graph nodes"


def test_a_sequential_without_an_input_says_it_is_not_built():
    model = oi.Sequential([layers.Dense(2)])
    with pytest.raises(AttributeError, match="no inputs until it is built"):
        model.inputs
    with pytest.raises(AttributeError, match="never been called on a symbolic tensor"):
        layers.Dense(2).output


def test_a_symbolic_tensor_has_no_truth_value():
    inputs = oi.Input((3,))
    with pytest.raises(TypeError, match="no truth value"):
        bool(inputs == inputs)
    with pytest.raises(TypeError, match="no truth value"):
        inputs in [oi.Input((3,))]  # noqa: B015 (the membership test itself must refuse)
