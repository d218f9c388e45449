"""Keras 3 programs that override train_step / test_step / predict_step in the JAX style run on
Oneiros by changing only their imports: each program below is written once against a library
module and run with ``keras`` (KERAS_BACKEND=jax, the oracle) and with ``oneiros`` from the same
initial weights and data (shuffle=False); weights, history, evaluate and predict must agree."""

from __future__ import annotations

import functools
import os

import numpy as np
import pytest

os.environ.setdefault("KERAS_BACKEND", "jax")
import jax  # noqa: E402
import keras  # noqa: E402

import oneiros as oi  # noqa: E402
from oneiros.errors import OneirosError  # noqa: E402

RNG = np.random.default_rng(5)
X = RNG.normal(size=(48, 6)).astype("float32")
Y = (X @ RNG.normal(size=(6, 1)) + 0.1 * RNG.normal(size=(48, 1))).astype("float32")
FIT = {"batch_size": 16, "epochs": 2, "verbose": 0, "shuffle": False}


def regressor_class(library):
    """A subclassed model with two Dense layers (the base of every program)."""
    class Regressor(library.Model):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.hidden = library.layers.Dense(8, activation="relu")
            self.out = library.layers.Dense(1)

        def call(self, x, training=False):
            return self.out(self.hidden(x))

    return Regressor


def compiled_metrics_program(library):
    """keras-io's first JAX example: compute_loss over the compiled loss, every metric of
    self.metrics (the "loss" tracker and compile_metrics) updated statelessly; evaluation by
    Keras's default test_step (its loss function named apart from compute_loss_and_updates,
    which that default calls with Keras's own signature)."""
    class CustomModel(regressor_class(library)):
        def loss_and_updates(self, trainable_variables, non_trainable_variables, x, y, training=False):
            y_pred, non_trainable_variables = self.stateless_call(trainable_variables, non_trainable_variables, x,
                                                                  training=training)
            loss = self.compute_loss(x, y, y_pred)
            return loss, (y_pred, non_trainable_variables)

        def train_step(self, state, data):
            trainable_variables, non_trainable_variables, optimizer_variables, metrics_variables = state
            x, y = data
            grad_fn = jax.value_and_grad(self.loss_and_updates, has_aux=True)
            (loss, (y_pred, non_trainable_variables)), grads = grad_fn(
                trainable_variables, non_trainable_variables, x, y, training=True)
            trainable_variables, optimizer_variables = self.optimizer.stateless_apply(
                optimizer_variables, grads, trainable_variables)
            new_metrics_vars, logs = [], {}
            for metric in self.metrics:
                start = len(new_metrics_vars)
                this_metric_vars = metrics_variables[start:start + len(metric.variables)]
                if metric.name == "loss":
                    this_metric_vars = metric.stateless_update_state(this_metric_vars, loss)
                else:
                    this_metric_vars = metric.stateless_update_state(this_metric_vars, y, y_pred)
                logs[metric.name] = metric.stateless_result(this_metric_vars)
                new_metrics_vars += this_metric_vars
            return logs, (trainable_variables, non_trainable_variables, optimizer_variables, new_metrics_vars)

    model = CustomModel()
    model.compile(optimizer="adam", loss="mse", metrics=["mae"])
    return model


def own_metrics_program(library):
    """keras-io's second example (a loss tracker and an MAE metric of the model's own, compile
    with an optimizer only) plus its own test_step and a predict_step."""
    class CustomModel(regressor_class(library)):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.loss_tracker = library.metrics.Mean(name="loss")
            self.mae_metric = library.metrics.MeanAbsoluteError(name="mae")
            self.loss_fn = library.losses.MeanSquaredError()

        def loss_and_updates(self, trainable_variables, non_trainable_variables, x, y, training=False):
            y_pred, non_trainable_variables = self.stateless_call(trainable_variables, non_trainable_variables, x,
                                                                  training=training)
            return self.loss_fn(y, y_pred), (y_pred, non_trainable_variables)

        def update_metrics(self, metrics_variables, loss, y, y_pred):
            loss_vars = metrics_variables[:len(self.loss_tracker.variables)]
            mae_vars = metrics_variables[len(self.loss_tracker.variables):]
            loss_vars = self.loss_tracker.stateless_update_state(loss_vars, loss)
            mae_vars = self.mae_metric.stateless_update_state(mae_vars, y, y_pred)
            logs = {self.loss_tracker.name: self.loss_tracker.stateless_result(loss_vars),
                    self.mae_metric.name: self.mae_metric.stateless_result(mae_vars)}
            return logs, loss_vars + mae_vars

        def train_step(self, state, data):
            trainable, non_trainable, optimizer_variables, metrics_variables = state
            x, y = data

            def loss_with_aux(values):
                loss, (y_pred, new_non_trainable) = self.loss_and_updates(values, non_trainable, x, y, training=True)
                return loss, (loss, y_pred, new_non_trainable)

            grads, (loss, y_pred, non_trainable) = jax.grad(loss_with_aux, has_aux=True)(trainable)
            trainable, optimizer_variables = self.optimizer.stateless_apply(optimizer_variables, grads, trainable)
            logs, metrics_variables = self.update_metrics(metrics_variables, loss, y, y_pred)
            return logs, (trainable, non_trainable, optimizer_variables, metrics_variables)

        def test_step(self, state, data):
            trainable_variables, non_trainable_variables, metrics_variables = state
            x, y = data
            loss, (y_pred, non_trainable_variables) = self.loss_and_updates(
                trainable_variables, non_trainable_variables, x, y)
            logs, metrics_variables = self.update_metrics(metrics_variables, loss, y, y_pred)
            return logs, (trainable_variables, non_trainable_variables, metrics_variables)

        def predict_step(self, state, data):
            trainable_variables, non_trainable_variables = state
            x, _, _ = library.utils.unpack_x_y_sample_weight(data)
            y_pred, non_trainable_variables = self.stateless_call(trainable_variables, non_trainable_variables, x)
            return {"value": y_pred, "positive": library.ops.sigmoid(y_pred)}, non_trainable_variables

        @property
        def metrics(self):
            return [self.loss_tracker, self.mae_metric]

    model = CustomModel()
    model.compile(optimizer=library.optimizers.Adam(learning_rate=0.01))
    return model


def unsupervised_program(library):
    """An autoencoder trained on x alone (``fit(x)``: ``data`` is the batch itself, as in keras-io's
    GAN), its own loss tracker, three steps per compiled call."""
    class AutoEncoder(library.Model):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.encoder = library.layers.Dense(3, activation="tanh")
            self.decoder = library.layers.Dense(6)
            self.loss_tracker = library.metrics.Mean(name="reconstruction")

        def call(self, x, training=False):
            return self.decoder(self.encoder(x))

        def reconstruction(self, trainable, non_trainable, x):
            x_hat, non_trainable = self.stateless_call(trainable, non_trainable, x, training=True)
            return library.ops.mean(library.ops.square(x_hat - x)), non_trainable

        def train_step(self, state, data):
            trainable, non_trainable, optimizer_variables, metrics_variables = state
            (loss, non_trainable), grads = jax.value_and_grad(self.reconstruction, has_aux=True)(
                trainable, non_trainable, data)
            trainable, optimizer_variables = self.optimizer.stateless_apply(optimizer_variables, grads, trainable)
            metrics_variables = self.loss_tracker.stateless_update_state(metrics_variables, loss)
            logs = {"reconstruction": self.loss_tracker.stateless_result(metrics_variables)}
            return logs, (trainable, non_trainable, optimizer_variables, metrics_variables)

        @property
        def metrics(self):
            return [self.loss_tracker]

    model = AutoEncoder()
    model.compile(optimizer=library.optimizers.SGD(learning_rate=0.1, momentum=0.9), steps_per_execution=3)
    return model


def test_a_step_on_x_alone_fused_three_per_call_matches_keras():
    results = {}
    for library in (keras, oi):
        model = unsupervised_program(library)
        model(X[:2])
        model.set_weights(initial_weights(unsupervised_program))
        results[library.__name__] = model.fit(X, **FIT).history, model.get_weights()
    (keras_history, keras_weights), (history, weights) = results["keras"], results["oneiros"]
    for expected, received in zip(keras_weights, weights, strict=True):
        np.testing.assert_allclose(received, expected, rtol=1e-5, atol=1e-5)
    assert history.keys() == keras_history.keys() == {"reconstruction"}
    np.testing.assert_allclose(history["reconstruction"], keras_history["reconstruction"], rtol=1e-5)


def default_steps_program(library):
    """Overrides that hand over to Keras's default steps through super()."""
    class Passthrough(regressor_class(library)):
        def train_step(self, state, data):
            return super().train_step(state, data)

        def test_step(self, state, data):
            return super().test_step(state, data)

    model = Passthrough()
    model.compile(optimizer="rmsprop", loss="mse", metrics=["mae"])
    return model


def test_default_steps_through_super_with_sample_weights_match_keras():
    sample_weight = np.linspace(0.5, 1.5, len(X)).astype("float32")
    results = {}
    for library in (keras, oi):
        model = default_steps_program(library)
        model(X[:2])
        model.set_weights(initial_weights(default_steps_program))
        history = model.fit(X, Y, sample_weight=sample_weight, **FIT).history
        results[library.__name__] = history, model.get_weights(), model.evaluate(X, Y, batch_size=16, verbose=0)
    (keras_history, keras_weights, keras_result), (history, weights, result) = results["keras"], results["oneiros"]
    for expected, received in zip(keras_weights, weights, strict=True):
        np.testing.assert_allclose(received, expected, rtol=1e-5, atol=1e-5)
    assert history.keys() == keras_history.keys()
    for key in keras_history:
        np.testing.assert_allclose(history[key], keras_history[key], rtol=1e-5, err_msg=key)
    np.testing.assert_allclose(result, keras_result, rtol=1e-5)


@functools.cache
def initial_weights(program):
    model = program(keras)
    model(X[:2])
    return model.get_weights()


def run(program, library):
    """The program's model from the weights Keras drew, fitted; its history and evaluate result."""
    model = program(library)
    model(X[:2])
    model.set_weights(initial_weights(program))
    history = model.fit(X, Y, validation_data=(X[:16], Y[:16]), **FIT)
    return model, history.history, model.evaluate(X, Y, batch_size=16, verbose=0, return_dict=True)


@pytest.fixture(autouse=True)
def jax_backend():
    with oi.backend_scope("jax") as backend:
        yield backend


@pytest.fixture(scope="module", params=[compiled_metrics_program, own_metrics_program])
def both(request):
    with oi.backend_scope("jax"):
        yield run(request.param, keras), run(request.param, oi)


def test_weights_history_and_evaluate_match_keras(both):
    (keras_model, keras_history, keras_result), (model, history, result) = both
    for expected, received in zip(keras_model.get_weights(), model.get_weights()):
        np.testing.assert_allclose(received, expected, rtol=1e-5, atol=1e-5)
    assert history.keys() == keras_history.keys()
    for key in keras_history:
        np.testing.assert_allclose(history[key], keras_history[key], rtol=1e-5, atol=1e-6, err_msg=key)
    assert result.keys() == keras_result.keys()
    np.testing.assert_allclose([result[key] for key in keras_result], list(keras_result.values()), rtol=1e-5)


def test_metrics_hold_the_last_evaluation_like_keras(both):
    (keras_model, _, _), (model, _, _) = both
    assert [metric.name for metric in model.metrics] == [metric.name for metric in keras_model.metrics]
    assert len(model.metrics_variables) == len(keras_model.metrics_variables)
    expected = keras_model.get_metrics_result()
    received = model.get_metrics_result()
    np.testing.assert_allclose([float(received[key]) for key in expected], [float(v) for v in expected.values()],
                               rtol=1e-5)


def test_predict_step_and_evaluate_list_match_keras(both):
    (keras_model, _, _), (model, _, _) = both
    expected, received = keras_model.predict(X, batch_size=16, verbose=0), model.predict(X, batch_size=16, verbose=0)
    assert type(received) is type(expected)
    for want, got in zip(keras.tree.flatten(expected), oi.tree.flatten(received), strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(model.evaluate(X, Y, batch_size=16, verbose=0),
                               keras_model.evaluate(X, Y, batch_size=16, verbose=0), rtol=1e-5)


def test_a_train_step_returning_a_short_state_is_refused_before_any_change():
    class Forgetful(regressor_class(oi)):
        def train_step(self, state, data):
            trainable, non_trainable, optimizer_variables, _ = state
            return {}, (trainable, non_trainable, optimizer_variables)

    model = Forgetful()
    model.compile(optimizer="sgd", loss="mse")
    model(X[:2])
    before = model.get_weights()
    with pytest.raises(ValueError, match=r"Forgetful.train_step returned a state of 3 items; expected a tuple of 4 "
                                         r"lists \(trainable_variables, non_trainable_variables, "
                                         r"optimizer_variables, metrics_variables\)"):
        model.fit(X, Y, **FIT)
    for old, new in zip(before, model.get_weights()):
        np.testing.assert_array_equal(new, old)


def test_a_train_step_returning_too_few_metric_values_names_both_counts():
    class Partial(regressor_class(oi)):
        def train_step(self, state, data):
            trainable, non_trainable, optimizer_variables, metrics_variables = state
            return {}, (trainable, non_trainable, optimizer_variables, metrics_variables[:1])

    model = Partial()
    model.compile(optimizer="sgd", loss="mse")
    with pytest.raises(ValueError, match="metrics_variables holding 1 values; expected 2"):
        model.fit(X, Y, **FIT)


def test_a_tensorflow_style_train_step_is_refused_with_the_jax_style_named():
    class TapeStyle(regressor_class(oi)):
        def train_step(self, data):
            return {}

    model = TapeStyle()
    model.compile(optimizer="sgd", loss="mse")
    with pytest.raises(OneirosError, match=r"train_step\(self, state, data\).*GradientTape"):
        model.fit(X, Y, **FIT)


def test_backends_without_jax_arrays_refuse_custom_steps():
    with oi.backend_scope("numpy"):
        model = compiled_metrics_program(oi)
        with pytest.raises(OneirosError, match="use the jax backend.*jax_steps"):
            model.fit(X, Y, **FIT)


def test_metric_and_optimizer_stateless_members_follow_their_variables():
    metric = oi.metrics.MeanAbsoluteError()
    values = metric.stateless_reset_state()
    assert len(values) == len(metric.variables)
    values = metric.stateless_update_state(values, Y[:4], Y[:4] + 0.5)
    np.testing.assert_allclose(float(metric.stateless_result(values)), 0.5, rtol=1e-6)
    with pytest.raises(ValueError, match=rf"expected a list of {len(values)} values.*received 1 values"):
        metric.stateless_result(values[:1])
    weights = oi.Variable(np.ones((2,), "float32"), name="w", constraint=oi.constraints.NonNeg())
    optimizer = oi.optimizers.SGD(learning_rate=1.0)
    optimizer.build([weights])
    (new_weights,), optimizer_variables = optimizer.stateless_apply(
        [v.value for v in optimizer.variables], [np.array([3.0, -1.0], "float32")], [weights.value])
    np.testing.assert_allclose(oi.ops.to_numpy(new_weights), [0.0, 2.0])  # 1 - 3 clipped at 0 by the constraint
    assert len(optimizer_variables) == len(optimizer.variables)
    with pytest.raises(ValueError, match=r"expected \d+ optimizer variables .* received 0"):
        optimizer.stateless_apply([], [np.zeros(2, "float32")], [weights.value])


def test_random_states_advance_at_every_custom_step():
    """A Dropout layer's generator (a non-trainable variable of the state) and the global one
    (unseeded ops, which Keras's state tuple does not hold) both draw anew at every step."""
    class Noisy(oi.Model):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.dropout = oi.layers.Dropout(0.5)

        def call(self, x, training=False):
            return self.dropout(x, training=training)

        def train_step(self, state, data):
            trainable, non_trainable, optimizer_variables, metrics_variables = state
            x, _ = data
            y_pred, non_trainable = self.stateless_call(trainable, non_trainable, x, training=True)
            positions = oi.ops.arange(oi.ops.size(y_pred), dtype="float32")
            logs = {"kept": oi.ops.sum(oi.ops.reshape(y_pred != 0, (-1,)) * positions),  # which units were kept
                    "noise": oi.random.uniform(())}
            return logs, (trainable, non_trainable, optimizer_variables, metrics_variables)

    class BatchLogs(oi.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.seen = []

        def on_train_batch_end(self, batch, logs=None):
            self.seen.append((float(logs["kept"]), float(logs["noise"])))

    model = Noisy()
    model.compile(optimizer="sgd", loss="mse")
    recorder = BatchLogs()
    model.fit(np.ones((64, 32), "float32"), Y[:1].repeat(64, axis=0), batch_size=16, epochs=1, verbose=0,
              shuffle=False, callbacks=[recorder])
    kept, noise = zip(*recorder.seen)
    assert len(set(kept)) == len(kept) == 4 and len(set(noise)) == 4


def test_an_eager_predict_step_gives_the_compiled_outputs_under_their_keys():
    """Eager outputs keep the dict's insertion order ("value" before "positive"); each key must
    still receive its own arrays."""
    outputs = []
    for run_eagerly in (False, True):
        model = own_metrics_program(oi)
        model.compile(optimizer="adam", run_eagerly=run_eagerly)
        model(X[:2])
        model.set_weights(initial_weights(own_metrics_program))
        outputs.append(model.predict(X, batch_size=16, verbose=0))
    compiled, eager = outputs
    assert compiled.keys() == eager.keys() == {"value", "positive"}
    for key in compiled:
        np.testing.assert_allclose(eager[key], compiled[key], rtol=1e-6, err_msg=key)
