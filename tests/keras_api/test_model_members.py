"""The Keras 3 ``Model`` and ``Layer`` members ported code touches, Keras itself (on JAX) the
oracle: the public members of a fitted Keras ``Sequential`` and of a built ``Dense`` must each be
provided by Oneiros or listed in ``EXEMPT`` with a reason, and the ones provided behave as Keras's
on the same weights and data (metrics after fit, stateless_call with BatchNormalization training,
compute_loss, paths, build and compile configs, state trees, per-layer variable stores)."""

from __future__ import annotations

import os

import numpy as np
import pytest

os.environ.setdefault("KERAS_BACKEND", "jax")
import keras  # noqa: E402

import oneiros as oi  # noqa: E402
from oneiros import layers  # noqa: E402

EXEMPT = {
    "jax_state_sync": "Keras-on-JAX copies its stateless training state back into variables; Oneiros's trainer "
                      "syncs its own state at the end of every fit and evaluate",
    "add_metric": "Keras 3 keeps it only to raise an error (metrics are passed to compile)",
    "quantized_build": "Keras's quantization internals (int4/float8/GPTQ/AWQ layouts); Oneiros quantizes with "
                       "model.quantize('int8') and serves the quantized layers itself",
    "quantized_call": "Keras's quantization internals; a quantized Oneiros layer's call is its ordinary call",
    "quantization_mode": "Keras's quantization internals; an Oneiros layer quantized by model.quantize('int8') "
                         "reports it through its own config",
    "quantization_config": "Keras's quantization internals (see quantization_mode)",
    "get_quantization_layer_structure": "Keras's GPTQ/AWQ calibration internals; Oneiros has no GPTQ/AWQ",
    "variable_serialization_spec": "Keras's table of variable names per quantization mode for its own h5 layout; "
                                   "save_own_variables writes a layer's variables in Keras's order",
    "rematerialized_call": "Keras's gradient-checkpointing wrapper of call (remat); Oneiros's backends choose "
                           "rematerialization themselves",
    "symbolic_call": "Keras's internal entry of calling on KerasTensors; calling a layer on oi.Input tensors "
                     "does it",
    "enable_lora": "Oneiros has no LoRA",
    "lora_enabled": "Oneiros has no LoRA",
    "lora_rank": "Oneiros has no LoRA",
    "lora_alpha": "Oneiros has no LoRA",
}
"""Keras member -> why Oneiros does not provide it."""

RNG = np.random.default_rng(11)
X = RNG.normal(size=(16, 4)).astype("float32")
Y_CLASSES = RNG.integers(0, 3, size=16)


@pytest.fixture(autouse=True)
def jax_backend():
    with oi.backend_scope("jax") as backend:
        yield backend


def public(obj) -> set[str]:
    return {name for name in dir(obj) if not name.startswith("_")}


def classifier(library, batch_normalization: bool = False, name: str | None = None):
    """Named layers (when ``name`` is given) make the same variable paths in two models."""
    def named(suffix):
        return None if name is None else f"{name}_{suffix}"

    stack = [library.Input((4,)), library.layers.Dense(3, kernel_regularizer=library.regularizers.L2(0.01),
                                                       name=named("dense"))]
    if batch_normalization:
        stack.append(library.layers.BatchNormalization(name=named("norm")))
    stack.append(library.layers.Activation("softmax", name=named("softmax")))
    return library.Sequential(stack, name=name)


def twins(batch_normalization: bool = False, **compile_arguments):
    """A Keras and an Oneiros classifier with the same weights, compiled alike."""
    keras_model, oneiros_model = classifier(keras, batch_normalization), classifier(oi, batch_normalization)
    oneiros_model.set_weights(keras_model.get_weights())
    for model in (keras_model, oneiros_model):
        model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy", **compile_arguments)
    return keras_model, oneiros_model


@pytest.fixture(scope="module")
def fitted():
    with oi.backend_scope("jax"):
        keras_model, oneiros_model = twins(metrics=["accuracy"])
        for model in (keras_model, oneiros_model):
            model.fit(X, Y_CLASSES, batch_size=16, epochs=2, verbose=0, shuffle=False)
        yield keras_model, oneiros_model


def test_every_public_keras_member_is_provided_or_exempt(fitted):
    keras_model, oneiros_model = fitted
    dense = layers.Dense(2)
    dense(X)
    keras_dense = keras.layers.Dense(2)
    keras_dense(X)
    missing = {
        "Model": sorted((public(keras_model) | public(keras.Model)) - public(oneiros_model) - set(EXEMPT)),
        "Layer": sorted((public(keras_dense) | public(keras.layers.Layer)) - public(dense) - set(EXEMPT)),
    }
    assert missing == {"Model": [], "Layer": []}, f"Keras members neither provided nor exempt: {missing}"
    stale = sorted(name for name in EXEMPT if name not in public(keras_model) | public(keras_dense))
    assert stale == [], f"exempted names Keras no longer has: {stale}"


def test_metrics_after_fit_match_keras(fitted):
    keras_model, oneiros_model = fitted
    assert oneiros_model.metrics_names == keras_model.metrics_names == ["loss", "compile_metrics"]
    assert [type(m).__name__ for m in oneiros_model.metrics] == ["Mean", "CompileMetrics"]
    expected = {name: float(value) for name, value in keras_model.get_metrics_result().items()}
    received = {name: float(value) for name, value in oneiros_model.get_metrics_result().items()}
    assert received.keys() == expected.keys()
    np.testing.assert_allclose(list(received.values()), list(expected.values()), rtol=1e-5)
    assert [v.path for v in oneiros_model.metrics_variables] == [v.path for v in keras_model.metrics_variables]
    tree = oneiros_model.get_state_tree("numpy_array")["metrics_variables"]
    np.testing.assert_allclose(tree["accuracy"]["total"],
                               keras_model.get_state_tree("numpy_array")["metrics_variables"]["accuracy"]["total"])


def test_reset_metrics_then_evaluate_as_keras():
    keras_model, oneiros_model = twins(metrics=["accuracy"])
    for model in (keras_model, oneiros_model):
        model.fit(X, Y_CLASSES, batch_size=8, epochs=1, verbose=0, shuffle=False)
        model.reset_metrics()
    assert {k: float(v) for k, v in oneiros_model.get_metrics_result().items()} == {"loss": 0.0, "accuracy": 0.0}
    for model in (keras_model, oneiros_model):
        model.evaluate(X[:8], Y_CLASSES[:8], verbose=0)
    expected = {name: float(value) for name, value in keras_model.get_metrics_result().items()}
    received = {name: float(value) for name, value in oneiros_model.get_metrics_result().items()}
    np.testing.assert_allclose([received[k] for k in expected], list(expected.values()), rtol=1e-5)


def test_metrics_after_fit_with_validation_hold_the_validation_states_as_keras():
    keras_model, oneiros_model = twins(metrics=["accuracy"])
    for model in (keras_model, oneiros_model):
        history = model.fit(X[:8], Y_CLASSES[:8], batch_size=8, epochs=1, verbose=0, shuffle=False,
                            validation_data=(X[8:], Y_CLASSES[8:]))
        received = {name: float(value) for name, value in model.get_metrics_result().items()}
        assert received == pytest.approx({"loss": history.history["val_loss"][-1],
                                          "accuracy": history.history["val_accuracy"][-1]}, rel=1e-5)


def test_metrics_before_fit_and_before_compile_as_keras():
    keras_model, oneiros_model = twins()
    assert oneiros_model.metrics_names == keras_model.metrics_names == ["loss"]
    assert classifier(oi).metrics == classifier(keras).metrics == []


def test_stateless_call_with_batch_normalization_training_matches_keras_and_changes_nothing():
    keras_model, oneiros_model = twins(batch_normalization=True)
    trainable = [RNG.normal(size=v.shape).astype("float32") for v in keras_model.trainable_variables]
    non_trainable = [RNG.uniform(0.5, 1.5, size=v.shape).astype("float32")
                     for v in keras_model.non_trainable_variables]
    before = oneiros_model.get_weights()
    expected, expected_state, expected_losses = keras_model.stateless_call(
        trainable, non_trainable, X, training=True, return_losses=True)
    outputs, new_state, losses = oneiros_model.stateless_call(
        trainable, non_trainable, X, training=True, return_losses=True)
    np.testing.assert_allclose(np.asarray(outputs), np.asarray(expected), rtol=1e-5, atol=1e-6)
    for value, keras_value in zip(new_state, expected_state):
        np.testing.assert_allclose(np.asarray(value), np.asarray(keras_value), rtol=1e-5)
    np.testing.assert_allclose([float(v) for v in losses], [float(v) for v in expected_losses], rtol=1e-5)
    for weight, original in zip(oneiros_model.get_weights(), before):
        np.testing.assert_array_equal(weight, original)
    with pytest.raises(ValueError, match=r"non_trainable_variables.*\(2\); received 1"):
        oneiros_model.stateless_call(trainable, non_trainable[:1], X)


def test_compute_loss_and_compute_metrics_match_keras():
    keras_model, oneiros_model = twins(metrics=["accuracy"])
    predictions = keras_model(X)
    expected = float(keras_model.compute_loss(X, Y_CLASSES, predictions))
    assert float(oneiros_model.compute_loss(X, Y_CLASSES, oneiros_model(X))) == pytest.approx(expected, rel=1e-5)
    keras_results = keras_model.compute_metrics(X, Y_CLASSES, predictions)
    results = oneiros_model.compute_metrics(X, Y_CLASSES, oneiros_model(X))
    assert float(results["accuracy"]) == pytest.approx(float(keras_results["accuracy"]))


def test_paths_match_keras():
    class Wrapper(oi.Model):
        def __init__(self):
            super().__init__(name="wrapper")
            self.inner = layers.Dense(2, name="inner")

        def call(self, inputs):
            return self.inner(inputs)

    sequential = oi.Sequential([layers.Input((4,)), layers.Dense(2, name="d")], name="seq")
    inputs = oi.Input((4,))
    functional = oi.Model(inputs, layers.Dense(2, name="f")(inputs), name="fun")
    wrapper = Wrapper()
    wrapper(X)
    assert [sequential.layers[0].path, functional.layers[-1].path, wrapper.inner.path] == \
        ["seq/d", "f", "wrapper/inner"]  # Keras 3.15's paths for the same three models


def test_build_and_compile_configs_round_trip():
    keras_model, oneiros_model = twins(metrics=["accuracy"])
    assert oneiros_model.get_build_config() == keras_model.get_build_config() == {"input_shape": (None, 4)}
    dense = layers.Dense(2)
    dense(X)
    assert dense.get_build_config() == {"input_shape": (16, 4)}
    rebuilt = layers.Dense(2)
    rebuilt.build_from_config(dense.get_build_config())
    assert rebuilt.built and rebuilt.kernel.shape == (4, 2)
    fresh = classifier(oi)
    fresh.compile_from_config(oneiros_model.get_compile_config())
    assert fresh.get_compile_config() == oneiros_model.get_compile_config()
    assert fresh.loss == keras_model.loss == "sparse_categorical_crossentropy"
    with pytest.raises(ValueError, match="expects {'input_shape': shape}; received {'shape': 3}"):
        layers.Dense(2).build_from_config({"shape": 3})


def test_state_tree_round_trips_and_checks_before_assigning():
    source = classifier(oi, batch_normalization=True, name="tree")
    target = classifier(oi, batch_normalization=True, name="tree")
    for model in (source, target):
        model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    source.fit(X, Y_CLASSES, batch_size=8, epochs=1, verbose=0)
    tree = source.get_state_tree("numpy_array")
    assert sorted(tree) == ["metrics_variables", "non_trainable_variables", "optimizer_variables",
                            "trainable_variables"]
    assert sorted(tree["non_trainable_variables"]["tree"]["tree_norm"]) == ["moving_mean", "moving_variance"]
    target.fit(X[:8], Y_CLASSES[:8], batch_size=8, epochs=1, verbose=0)
    before = target.get_weights()
    broken = {"trainable_variables": {**tree["trainable_variables"], "nowhere": {"kernel": np.zeros(2)}}}
    with pytest.raises(ValueError, match="names \\['nowhere/kernel'\\]"):
        target.set_state_tree(broken)
    for weight, original in zip(target.get_weights(), before):
        np.testing.assert_array_equal(weight, original)
    target.set_state_tree(tree)
    np.testing.assert_allclose(target.predict(X, verbose=0), source.predict(X, verbose=0), rtol=1e-6)
    assert float(target.get_metrics_result()["loss"]) == pytest.approx(float(source.get_metrics_result()["loss"]))


def test_own_variable_stores_move_between_keras_and_oneiros():
    keras_dense = keras.layers.Dense(3)
    keras_dense(X)
    store: dict = {}
    keras_dense.save_own_variables(store)
    dense = layers.Dense(3)
    dense(X)
    dense.load_own_variables(store)
    np.testing.assert_allclose(np.asarray(dense(X)), np.asarray(keras_dense(X)), rtol=1e-6)
    back: dict = {}
    dense.save_own_variables(back)
    assert sorted(back) == sorted(store) == ["0", "1"]
    with pytest.raises(ValueError, match=r"expected 2 variables \['kernel', 'bias'\]; received a store holding 1"):
        dense.load_own_variables({"0": store["0"]})


def test_add_variable_takes_keras_argument_order_and_add_weight_its_options():
    layer = layers.Layer()
    variable = layer.add_variable((2, 3), "ones", name="scale")
    keras_variable = keras.layers.Layer().add_variable((2, 3), "ones", name="scale")
    np.testing.assert_array_equal(variable.numpy(), np.asarray(keras_variable.value))
    assert layer.add_weight(shape=(2,), aggregation="mean", name="m").aggregation == "mean"
    with pytest.raises(ValueError, match="must be one of .* received 'median'"):
        layer.add_weight(shape=(2,), aggregation="median", name="bad")
    with pytest.raises(NotImplementedError, match="overwrite_with_gradient=True"):
        layer.add_weight(shape=(2,), overwrite_with_gradient=True, name="bad")
    assert [v.name for v in layer.variables] == ["scale", "m"]


class TwoArguments(layers.Layer):
    def call(self, inputs, training=None, mask=None):
        return inputs


class KerasTwoArguments(keras.layers.Layer):
    def call(self, inputs, training=None, mask=None):
        return inputs


def test_dtype_members_call_signature_and_output_spec_match_keras():
    dense = layers.Dense(5, dtype="mixed_bfloat16")
    keras_dense = keras.layers.Dense(5, dtype="mixed_bfloat16")
    assert (dense.input_dtype, dense.variable_dtype, dense.autocast) == \
        (keras_dense.input_dtype, keras_dense.variable_dtype, keras_dense.autocast)
    assert TwoArguments().call_signature_parameters == KerasTwoArguments().call_signature_parameters == \
        ["inputs", "training", "mask"]
    spec = dense.compute_output_spec(oi.Input((4,)))
    keras_spec = keras_dense.compute_output_spec(keras.Input((4,)))
    assert (spec.shape, spec.dtype) == (keras_spec.shape, keras_spec.dtype)
    mask = np.array([[True, False]])
    for dropout in (layers.Dropout(0.5), keras.layers.Dropout(0.5)):
        np.testing.assert_array_equal(np.asarray(dropout.compute_mask(np.zeros((1, 2, 3)), previous_mask=mask)),
                                      mask)


def test_summary_arguments():
    model = oi.Sequential([layers.Input((4,)), layers.Dense(3, name="first"), layers.Dense(2, name="second"),
                           layers.Dense(1, name="third")])
    model.layers[1].trainable = False
    text = model.summary(line_length=90, show_trainable=True, layer_range=["second", "third"], print_fn=lambda _: None)
    assert "Trainable" in text and "first" not in text and "second" in text
    assert max(len(line) for line in text.splitlines()) <= 90
    row = next(line for line in text.splitlines() if "second" in line)
    assert row.split("│")[-2].strip() == "N"
    with pytest.raises(ValueError, match="matches no layer name"):
        model.summary(layer_range=["nothing", "third"])
    nested = oi.Sequential([layers.Input((4,)), model])
    assert "second" in nested.summary(expand_nested=True, print_fn=lambda _: None)
    assert "second" not in nested.summary(print_fn=lambda _: None)


def test_sequential_add_and_pop_rebuild_as_keras():
    model = oi.Sequential([layers.Input((4,)), layers.Dense(3)])
    model.add(layers.Dense(2), rebuild=False)
    assert not model.built
    model.add(layers.Dense(5))
    assert model.output_shape == (None, 5)
    model.pop()
    assert model.built and model.output_shape == (None, 2)
    model.pop(rebuild=False)
    assert not model.built


def test_members_oneiros_does_not_implement_say_why(tmp_path):
    _, model = twins()
    for make in (model.make_train_function, model.make_test_function, model.make_predict_function):
        with pytest.raises(NotImplementedError, match="stateless_call"):
            make()
    assert model.train_function is None
    with pytest.raises(NotImplementedError, match="unzipped folder layout"):
        model.save(tmp_path / "m.keras", zipped=False)
    with pytest.raises(NotImplementedError, match="sharded layout"):
        model.save_weights(tmp_path / "m.weights.h5", max_shard_size=1)
    with pytest.raises(TypeError, match="save_format"):
        model.save(tmp_path / "m.keras", save_format="h5")
    model.save(tmp_path / "m.keras", zipped=True)
    assert (tmp_path / "m.keras").exists()


def test_from_config_takes_custom_objects():
    class Doubler(layers.Layer):
        def call(self, inputs):
            return inputs * 2.0

    inputs = oi.Input((4,))
    model = oi.Model(inputs, Doubler(name="double")(inputs))
    oi.saving.register_keras_serializable(package="test_model_members")(Doubler)
    config = model.get_config()
    for node in config["layers"]:
        if node["config"]["name"] == "double":
            node["class_name"] = "UnregisteredDoubler"
    with pytest.raises(Exception, match="UnregisteredDoubler"):
        oi.Model.from_config(config)
    rebuilt = oi.Model.from_config(config, custom_objects={"UnregisteredDoubler": Doubler})
    np.testing.assert_allclose(np.asarray(rebuilt(X)), X * 2.0)


def test_metrics_of_a_two_output_model_are_named_as_keras():
    target = X[:, :1]
    names = []
    for library in (keras, oi):
        inputs = library.Input((4,))
        first, second = library.layers.Dense(1, name="a")(inputs), library.layers.Dense(1, name="b")(inputs)
        model = library.Model(inputs, {"a": first, "b": second} if library is keras else [first, second])
        model.compile("sgd", {"a": "mse", "b": "mse"}, metrics={"a": ["mae"]})
        model.fit(X, {"a": target, "b": target}, batch_size=16, verbose=0)
        names.append((model.metrics_names, sorted(model.get_metrics_result())))
    assert names[0] == names[1] == (["loss", "compile_metrics", "a_loss", "b_loss"], ["a_loss", "a_mae", "b_loss",
                                                                                        "loss"])


def test_metrics_held_as_attributes_are_listed_reset_and_reported_as_keras():
    results = []
    for library in (keras, oi):
        class Tracked(library.layers.Layer):
            def __init__(self, **kwargs):
                super().__init__(**kwargs)
                self.seen = library.metrics.Mean(name="seen")

            def call(self, inputs):
                return inputs

        tracked = Tracked()
        model = library.Sequential([library.Input((4,)), tracked, library.layers.Dense(1)])
        before_compile = [metric.name for metric in model.metrics]
        model.compile("sgd", "mse")
        tracked.seen.update_state(np.array([1.0, 3.0]))
        result = {name: float(value) for name, value in model.get_metrics_result().items()}
        model.reset_metrics()
        results.append((before_compile, model.metrics_names, result, float(tracked.seen.result())))
    assert results[0] == results[1] == (["seen"], ["loss", "seen"], {"loss": 0.0, "seen": 2.0}, 0.0)
