"""``compile(run_eagerly=..., jit_compile=..., auto_scale_loss=...)`` with Keras 3's semantics,
Keras itself (on JAX) the oracle: the resolved flags, eager steps that give the compiled
results while running every batch in Python, host-side layers making ``"auto"`` eager, and the
loss-scale optimizer that mixed_float16 wraps around the one given."""

from __future__ import annotations

import os
import re
import warnings

import numpy as np
import pytest

os.environ.setdefault("KERAS_BACKEND", "jax")
import keras  # noqa: E402

import oneiros as oi  # noqa: E402
from oneiros import layers  # noqa: E402
from oneiros.arguments import ArgumentTypeError  # noqa: E402

BATCHES, BATCH = 4, 8
RNG = np.random.default_rng(7)
X = RNG.normal(size=(BATCHES * BATCH, 3)).astype("float32")
Y = RNG.normal(size=(BATCHES * BATCH, 2)).astype("float32")
KERNEL = RNG.normal(size=(3, 2)).astype("float32")
BIAS = np.array([0.1, -0.2], "float32")


@pytest.fixture(autouse=True)
def jax_backend():
    with oi.backend_scope("jax") as backend:
        yield backend


class CallCounter(layers.Layer):
    """Counts the Python calls of ``call`` that see concrete arrays (a trace sees abstract ones,
    which numpy cannot read)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.calls = 0

    def call(self, inputs):
        try:
            np.asarray(inputs)
        except TypeError:
            return inputs
        self.calls += 1
        return inputs


def counted_model(**compile_arguments):
    counter = CallCounter()
    model = oi.Sequential([layers.Input((3,)), counter, layers.Dense(2)])
    model.compile(optimizer="adam", loss="mse", **compile_arguments)
    model.layers[-1].set_weights([KERNEL, BIAS])
    return model, counter


def keras_model(**compile_arguments):
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    model.compile(optimizer="adam", loss="mse", **compile_arguments)
    model.layers[-1].set_weights([KERNEL, BIAS])
    return model


class BatchIndices(oi.callbacks.Callback):
    def on_train_begin(self, logs=None):
        self.indices, self.steps_per_execution = [], self.params["steps_per_execution"]

    def on_train_batch_end(self, batch, logs=None):
        self.indices.append(batch)


@pytest.mark.parametrize("arguments", [
    {}, {"run_eagerly": True}, {"jit_compile": False}, {"jit_compile": True},
    {"run_eagerly": True, "jit_compile": False},
])
def test_the_flags_resolve_as_keras_resolves_them(arguments):
    ours, _ = counted_model(**arguments)
    theirs = keras_model(**arguments)
    assert (ours.run_eagerly, ours.jit_compile) == (theirs.run_eagerly, theirs.jit_compile)
    config = theirs.get_compile_config()
    assert (ours.compiled.run_eagerly, ours.compiled.jit_compile) == (config["run_eagerly"], config["jit_compile"])


def test_run_eagerly_with_jit_compile_true_warns_and_runs_eagerly_as_in_keras():
    with pytest.warns(UserWarning, match="jit_compile=False"):
        ours, _ = counted_model(run_eagerly=True, jit_compile=True)
    with pytest.warns(UserWarning, match="Disabling `jit_compile`"):
        theirs = keras_model(run_eagerly=True, jit_compile=True)
    assert (ours.run_eagerly, ours.jit_compile) == (theirs.run_eagerly, theirs.jit_compile) == (True, False)


@pytest.mark.parametrize(("argument", "value", "error", "message"), [
    ("run_eagerly", "yes", ArgumentTypeError, "`run_eagerly` must be True or False; received run_eagerly='yes'"),
    ("run_eagerly", 1, ArgumentTypeError, "`run_eagerly` must be True or False; received run_eagerly=1"),
    ("jit_compile", "maybe", ValueError, "`jit_compile` must be True, False or 'auto'; received jit_compile='maybe'"),
    ("jit_compile", None, ValueError, "`jit_compile` must be True, False or 'auto'; received jit_compile=None"),
    ("auto_scale_loss", "no", ArgumentTypeError, "`auto_scale_loss` must be True or False"),
])
def test_bad_flags_are_refused_before_the_model_changes(argument, value, error, message):
    model, _ = counted_model()
    before = model.compiled
    with pytest.raises(error, match=re.escape(message)):
        model.compile(optimizer="sgd", loss="mae", **{argument: value})
    assert model.compiled is before and (model.run_eagerly, model.jit_compile) == (False, True)


@pytest.fixture(scope="module")
def compiled_fit():
    """A compiled model's weights after two epochs, its loss and predictions."""
    model, _ = counted_model()
    model.fit(X, Y, batch_size=BATCH, epochs=2, shuffle=False, verbose=0)
    return model.get_weights(), model.evaluate(X, Y, verbose=0), model.predict(X, verbose=0)


def test_an_eager_fit_trains_as_the_compiled_one_and_as_keras(compiled_fit):
    weights, loss, predictions = compiled_fit
    eager, _ = counted_model(run_eagerly=True)
    callback = BatchIndices()
    eager.fit(X, Y, batch_size=BATCH, epochs=2, shuffle=False, verbose=0, callbacks=[callback])
    theirs = keras_model(run_eagerly=True)
    theirs.fit(X, Y, batch_size=BATCH, epochs=2, shuffle=False, verbose=0)
    for ours_weight, compiled_weight, keras_weight in zip(eager.get_weights(), weights, theirs.get_weights()):
        np.testing.assert_allclose(ours_weight, compiled_weight, atol=1e-5)
        np.testing.assert_allclose(ours_weight, keras_weight, atol=1e-5)
    assert callback.steps_per_execution == 1 and callback.indices == list(range(BATCHES)) * 2
    np.testing.assert_allclose(eager.evaluate(X, Y, verbose=0), loss, rtol=1e-6)
    np.testing.assert_allclose(eager.predict(X, verbose=0), predictions, atol=1e-5)
    np.testing.assert_allclose(eager.predict(X, verbose=0), theirs.predict(X, verbose=0), atol=1e-5)


def test_every_batch_runs_the_layers_python_when_eager_and_none_when_compiled():
    calls = {}
    for run_eagerly in (True, False):
        model, tally = counted_model(run_eagerly=run_eagerly)
        start = tally.calls
        model.fit(X, Y, batch_size=BATCH, epochs=2, verbose=0)
        model.evaluate(X, Y, batch_size=BATCH, verbose=0)
        model.predict(X, batch_size=BATCH, verbose=0)
        model.train_on_batch(X[:BATCH], Y[:BATCH])
        model.test_on_batch(X[:BATCH], Y[:BATCH])
        model.predict_on_batch(X[:BATCH])
        calls[run_eagerly] = tally.calls - start
    assert calls == {True: 2 * BATCHES + BATCHES + BATCHES + 3, False: 0}


def test_an_explicit_steps_per_execution_loops_eagerly_with_keras_callback_indices(compiled_fit):
    weights, _, _ = compiled_fit
    eager, counter = counted_model(run_eagerly=True, steps_per_execution=2)
    callback = BatchIndices()
    start = counter.calls
    eager.fit(X, Y, batch_size=BATCH, epochs=2, shuffle=False, verbose=0, callbacks=[callback])
    assert callback.indices == [1, 3, 1, 3] and counter.calls - start == 2 * BATCHES
    for ours_weight, compiled_weight in zip(eager.get_weights(), weights):
        np.testing.assert_allclose(ours_weight, compiled_weight, atol=1e-5)


def test_the_flags_are_settable_after_compile_as_in_keras():
    model, counter = counted_model()
    model.fit(X, Y, batch_size=BATCH, epochs=1, verbose=0)
    model.predict(X, batch_size=BATCH, verbose=0)
    model.run_eagerly = True
    start = counter.calls
    model.predict(X, batch_size=BATCH, verbose=0)
    model.fit(X, Y, batch_size=BATCH, epochs=1, verbose=0)
    assert counter.calls - start == 2 * BATCHES
    model.run_eagerly = False
    model.jit_compile = False
    start = counter.calls
    model.fit(X, Y, batch_size=BATCH, epochs=1, verbose=0)
    assert counter.calls - start == BATCHES
    model.jit_compile = True
    start = counter.calls
    model.fit(X, Y, batch_size=BATCH, epochs=1, verbose=0)
    assert counter.calls == start
    with pytest.raises(ArgumentTypeError, match="`run_eagerly` must be True or False; received run_eagerly='on'"):
        model.run_eagerly = "on"
    assert model.run_eagerly is False


def keras_text_layers():
    return [
        ("StringLookup", {"vocabulary": ["a", "b"]}), ("IntegerLookup", {"vocabulary": [3, 5]}),
        ("TextVectorization", {}), ("Hashing", {"num_bins": 3}), ("HashedCrossing", {"num_bins": 3}),
        ("CategoryEncoding", {"num_tokens": 3}), ("Dense", {"units": 2}), ("Embedding", {"input_dim": 4, "output_dim": 2}),
    ]


@pytest.mark.parametrize(("name", "arguments"), keras_text_layers())
def test_supports_jit_is_keras_s_for_each_layer(name, arguments):
    assert getattr(layers, name)(**arguments).supports_jit == getattr(keras.layers, name)(**arguments).supports_jit


@pytest.fixture(scope="module")
def keras_lookup_model(tmp_path_factory):
    lookup = keras.layers.IntegerLookup()
    lookup.adapt(np.array([[3], [5], [3], [8], [3]]))
    model = keras.Sequential([keras.Input((1,), dtype="int32"), lookup,
                              keras.layers.Embedding(5, 2, embeddings_initializer="uniform"),
                              keras.layers.Flatten(), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    path = tmp_path_factory.mktemp("keras") / "lookup.keras"
    model.save(path)
    return path, model


def test_a_keras_model_with_an_adapted_lookup_predicts_and_evaluates_eagerly_as_keras(keras_lookup_model):
    path, theirs = keras_lookup_model
    ours = oi.saving.load_model(path)
    assert (ours.jit_compile, ours.run_eagerly) == (theirs.jit_compile, theirs.run_eagerly) == (False, False)
    probe = np.array([[3], [8], [4], [5], [9], [3]], "int32")
    targets = np.linspace(-1, 1, len(probe)).reshape(-1, 1).astype("float32")
    np.testing.assert_allclose(ours.predict(probe, batch_size=4, verbose=0),
                               theirs.predict(probe, batch_size=4, verbose=0), atol=1e-6)
    np.testing.assert_allclose(ours.predict_on_batch(probe), theirs.predict_on_batch(probe), atol=1e-6)
    keras_loss = np.mean((theirs.predict(probe, verbose=0) - targets) ** 2)  # Keras's evaluate cannot build it
    np.testing.assert_allclose(ours.evaluate(probe, targets, verbose=0), keras_loss, rtol=1e-5)


def test_jit_compile_true_on_a_host_layer_model_warns_and_stays_eager_as_in_keras():
    ours = oi.Sequential([layers.Input((1,), dtype="int32"), layers.IntegerLookup(vocabulary=[3, 5])])
    with pytest.warns(UserWarning, match="supports_jit=False.*jit_compile=False"):
        ours.compile(optimizer="sgd", loss="mse", jit_compile=True)
    with pytest.warns(UserWarning, match="doesn't support `jit_compile=True`"):
        theirs = keras.Sequential([keras.Input((1,), dtype="int32"), keras.layers.IntegerLookup(vocabulary=[3, 5])])
        theirs.compile(optimizer="sgd", loss="mse", jit_compile=True)
    assert ours.jit_compile is theirs.jit_compile is False
    np.testing.assert_array_equal(ours.predict(np.array([[5], [4]]), verbose=0), [[2], [0]])


@pytest.fixture
def mixed_float16():
    oi.mixed_precision.set_global_policy("mixed_float16")
    keras.mixed_precision.set_global_policy("mixed_float16")
    yield
    oi.mixed_precision.set_global_policy("float32")
    keras.mixed_precision.set_global_policy("float32")


@pytest.mark.parametrize("auto_scale_loss", [True, False])
def test_mixed_float16_wraps_the_optimizer_as_keras_does(mixed_float16, auto_scale_loss):
    ours, _ = counted_model(auto_scale_loss=auto_scale_loss)
    theirs = keras_model(auto_scale_loss=auto_scale_loss)
    assert type(ours.optimizer).__name__ == type(theirs.optimizer).__name__
    assert ours.optimizer.name == re.sub(r"_\d+$", "", theirs.optimizer.name)  # Keras numbers repeated names
    given = oi.optimizers.LossScaleOptimizer(oi.optimizers.SGD(), name="mine")
    ours.compile(optimizer=given, loss="mse", auto_scale_loss=auto_scale_loss)
    assert ours.optimizer is given


def test_float32_leaves_the_optimizer_alone():
    ours, _ = counted_model()
    assert type(ours.optimizer).__name__ == type(keras_model().optimizer).__name__ == "Adam"


def test_the_wrapped_optimizer_scales_the_loss_as_keras_s(mixed_float16):
    ours, _ = counted_model()
    theirs = keras_model()
    overflowing = np.full((BATCH, 3), 6e4, "float32")  # float16 gradients of the scaled loss overflow
    batches = [(X[:BATCH], Y[:BATCH]), (overflowing, Y[:BATCH]), (X[BATCH:2 * BATCH], Y[BATCH:2 * BATCH])]
    for x, y in batches:
        ours.train_on_batch(x, y)
        theirs.train_on_batch(x, y)
        state = ours.optimizer.latest_state
        assert float(state["dynamic_scale"]) == float(theirs.optimizer.dynamic_scale.numpy())
        assert int(state["step_counter"]) == int(theirs.optimizer.step_counter.numpy())
        assert int(ours.optimizer.iterations) == int(theirs.optimizer.iterations.numpy())
        for ours_weight, keras_weight in zip(ours.get_weights(), theirs.get_weights()):
            np.testing.assert_allclose(ours_weight, keras_weight, atol=1e-3)


@pytest.mark.parametrize("suffix", ["oneiros", "keras"])
def test_the_flags_are_saved_in_the_compile_config(tmp_path, suffix):
    model = oi.Sequential([layers.Input((3,)), layers.Dense(2)])
    model.compile(optimizer="adam", loss="mse", run_eagerly=True)
    path = tmp_path / f"eager.{suffix}"
    model.save(path)
    restored = oi.saving.load_model(path)
    assert (restored.run_eagerly, restored.jit_compile) == (True, False)


def test_keras_reads_the_flags_oneiros_writes_and_the_other_way(tmp_path):
    ours = oi.Sequential([layers.Input((3,)), layers.Dense(2)])
    ours.compile(optimizer="adam", loss="mse", jit_compile=False)
    ours.save(tmp_path / "ours.keras")
    theirs = keras.models.load_model(tmp_path / "ours.keras")
    assert (theirs.run_eagerly, theirs.jit_compile) == (False, False)
    theirs.compile(optimizer="adam", loss="mse", run_eagerly=True)
    theirs.save(tmp_path / "theirs.keras")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        restored = oi.saving.load_model(tmp_path / "theirs.keras")
    assert (restored.run_eagerly, restored.jit_compile) == (True, False)


TEXTS = ["the cat sat", "the dog ran far", "a cat"]
TEXT_PROBE = np.array([["the cat"], ["zebra dog"], ["a far cat"]])


def text_classifier(api):
    """keras-io's exported text classifier: strings in, TextVectorization, Embedding, pooling."""
    vectorizer = api.layers.TextVectorization(max_tokens=20, output_sequence_length=4)
    vectorizer.adapt(TEXTS)
    inputs = api.Input((1,), dtype="string")
    hidden = api.layers.GlobalAveragePooling1D()(api.layers.Embedding(20, 3)(vectorizer(inputs)))
    model = api.Model(inputs, api.layers.Dense(1, activation="sigmoid")(hidden))
    model.compile(optimizer="adam", loss="binary_crossentropy")
    return model


def keras_predictions(model, texts):
    """Keras's own layers, its TextVectorization apart (Keras on JAX cannot take string arrays
    in predict), as the oracle."""
    ids = np.asarray(model.layers[1](texts))
    return keras.Sequential(model.layers[2:]).predict(ids, verbose=0)


def test_a_string_input_model_trains_and_predicts_eagerly_and_keras_reads_its_file(tmp_path):
    ours = text_classifier(oi)
    assert ours.inputs[0].dtype == "string" and ours.jit_compile is False
    ours.fit(TEXT_PROBE, np.array([[1], [0], [1]], "float32"), epochs=2, verbose=0)
    predictions = ours.predict(TEXT_PROBE, verbose=0)
    ours.save(tmp_path / "text.keras")
    ours.save(tmp_path / "text.oneiros")
    for suffix in ("keras", "oneiros"):
        np.testing.assert_allclose(oi.saving.load_model(tmp_path / f"text.{suffix}").predict(TEXT_PROBE, verbose=0),
                                   predictions, atol=1e-6)
    theirs = keras.models.load_model(tmp_path / "text.keras")
    assert theirs.layers[0].dtype == "string"
    np.testing.assert_allclose(keras_predictions(theirs, TEXT_PROBE), predictions, atol=1e-6)


def test_a_keras_string_input_model_loads_and_predicts_what_keras_computes(tmp_path):
    theirs = text_classifier(keras)
    theirs.save(tmp_path / "theirs.keras")
    ours = oi.saving.load_model(tmp_path / "theirs.keras")
    np.testing.assert_allclose(ours.predict(TEXT_PROBE, batch_size=2, verbose=0),
                               keras_predictions(theirs, TEXT_PROBE), atol=1e-6)


def test_strings_for_a_model_without_a_string_input_are_refused_before_any_step():
    model = oi.Sequential([layers.Input((1,)), layers.Dense(1)])
    with pytest.raises(oi.data.DataError,
                       match=r"x must hold numbers or booleans; received dtype <U5 \(strings need a preprocessing"):
        model.predict(np.array([["hello"]]), verbose=0)
