"""Keras 3 models that override ``compute_loss`` train and evaluate on Oneiros by changing only
their imports: ``fit`` and ``evaluate`` call the override at every step (Keras's default
``train_step`` / ``test_step`` do), with ``model.losses`` giving what the step's forward pass
added, ``training`` passed only to an override that takes it, and no compiled loss needed. Each
program is written once against a library module and run with ``keras`` (KERAS_BACKEND=jax, the
oracle) and with ``oneiros`` from the same initial weights and data (shuffle=False)."""

from __future__ import annotations

import functools
import os

import numpy as np
import pytest

os.environ.setdefault("KERAS_BACKEND", "jax")
import keras  # noqa: E402

import oneiros as oi  # noqa: E402

RNG = np.random.default_rng(11)
X = RNG.normal(size=(48, 6)).astype("float32")
LABELS = (X[:, 0] + X[:, 1] > 0).astype("int32") + (X[:, 2] > 0.5).astype("int32")
Y = (X @ RNG.normal(size=(6, 1)) + 0.1 * RNG.normal(size=(48, 1))).astype("float32")
FIT = {"batch_size": 16, "epochs": 2, "verbose": 0, "shuffle": False}


def distiller_program(library):
    """keras-io's Distiller as rewritten for Keras 3: compile with arguments of its own and no
    loss, ``compute_loss`` with the pre-3.3 signature (``allow_empty``, no ``training``), a frozen
    teacher holding BatchNormalization statistics called inside it."""
    layers, ops = library.layers, library.ops

    class Distiller(library.Model):
        def __init__(self, student, teacher):
            super().__init__()
            self.teacher = teacher
            self.student = student

        def compile(self, optimizer, metrics, student_loss_fn, distillation_loss_fn, alpha=0.1, temperature=3):
            super().compile(optimizer=optimizer, metrics=metrics)
            self.student_loss_fn = student_loss_fn
            self.distillation_loss_fn = distillation_loss_fn
            self.alpha = alpha
            self.temperature = temperature

        def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, allow_empty=False):
            teacher_pred = self.teacher(x, training=False)
            student_loss = self.student_loss_fn(y, y_pred)
            distillation_loss = self.distillation_loss_fn(
                ops.softmax(teacher_pred / self.temperature, axis=1),
                ops.softmax(y_pred / self.temperature, axis=1)) * self.temperature ** 2
            return self.alpha * student_loss + (1 - self.alpha) * distillation_loss

        def call(self, x):
            return self.student(x)

    teacher = library.Sequential([library.Input((6,)), layers.Dense(16), layers.BatchNormalization(),
                                  layers.Activation("relu"), layers.Dense(3)])
    student = library.Sequential([library.Input((6,)), layers.Dense(3)])
    teacher.trainable = False
    model = Distiller(student, teacher)
    model.compile(optimizer=library.optimizers.Adam(0.01),
                  metrics=[library.metrics.SparseCategoricalAccuracy()],
                  student_loss_fn=library.losses.SparseCategoricalCrossentropy(from_logits=True),
                  distillation_loss_fn=library.losses.KLDivergence(), alpha=0.3, temperature=4)
    return model, LABELS


def penalised_program(library, own_train_step=False):
    """An override that adds a term in training only to ``super().compute_loss`` (the compiled loss
    plus ``model.losses``: an ActivityRegularization layer's add_loss and a kernel penalty); with
    ``own_train_step``, a train_step handing over to Keras's default through super()."""
    layers, ops = library.layers, library.ops

    class Penalised(library.Model):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.hidden = layers.Dense(8, activation="tanh", kernel_regularizer=library.regularizers.L2(0.01))
            self.activity = layers.ActivityRegularization(l1=0.02)
            self.out = layers.Dense(1)

        def call(self, x):
            return self.out(self.activity(self.hidden(x)))

        def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
            loss = super().compute_loss(x, y, y_pred, sample_weight, training=training)
            if training:
                loss = loss + 0.5 * ops.mean(ops.abs(y_pred))
            return loss

    class PenalisedOwnStep(Penalised):
        def train_step(self, state, data):
            return super().train_step(state, data)

    model = (PenalisedOwnStep if own_train_step else Penalised)()
    model.compile(optimizer=library.optimizers.RMSprop(0.01), loss="mse", metrics=["mae"])
    return model, Y


PROGRAMS = {"distiller": distiller_program, "penalised": penalised_program,
            "penalised_own_train_step": functools.partial(penalised_program, own_train_step=True)}


@functools.cache
def initial_weights(name):
    model, _ = PROGRAMS[name](keras)
    model(X[:2])
    return model.get_weights()


def run(name, library):
    model, y = PROGRAMS[name](library)
    model(X[:2])
    model.set_weights(initial_weights(name))
    history = model.fit(X, y, validation_data=(X[:16], y[:16]), **FIT).history
    return model, history, model.evaluate(X, y, batch_size=16, verbose=0, return_dict=True)


@pytest.fixture(scope="module", params=sorted(PROGRAMS))
def both(request):
    with oi.backend_scope("jax"):
        yield run(request.param, keras), run(request.param, oi)


def test_weights_history_and_evaluate_match_keras(both):
    """Same structure (history keys, evaluate's names, weight count) and values within float32 noise."""
    (keras_model, *keras_results), (model, *results) = both
    keras.tree.map_structure(lambda want, got: np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5),
                             [keras_model.get_weights(), *keras_results], [model.get_weights(), *results])


def test_the_step_losses_do_not_outlive_the_step(both):
    """Inside a step ``model.losses`` gave the traced forward pass's terms; afterwards it gives
    the eager ones again (the weights' penalties at their trained values)."""
    (keras_model, _, _), (model, _, _) = both
    assert len(model.losses) == len(keras_model.losses)
    np.testing.assert_allclose([float(oi.ops.to_numpy(loss)) for loss in model.losses],
                               [float(loss) for loss in keras_model.losses], rtol=1e-5)

