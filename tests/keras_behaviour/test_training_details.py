"""Layer and training details (issue 16 item 6), each checked against Keras 3 itself: ``layer.losses``,
training on ``add_loss`` alone, the logs every callback hook receives, ``metrics=["acc"]`` names,
and the progress bar's number format."""

from __future__ import annotations

import re

import numpy as np
import pytest

import oneiros as oi
from oneiros.callbacks._progbar import format_value
from oneiros.errors import OneirosError

RNG = np.random.default_rng(2)
X = RNG.normal(size=(16, 3)).astype("float32")
Y = (X[:, :1] > 0).astype("float32")


def penalised_class(framework):
    class Penalised(framework.layers.Layer):
        """Adds half the sum of its inputs' squares as a loss."""

        def call(self, inputs):
            self.add_loss(framework.ops.sum(framework.ops.square(inputs)) * 0.5)
            return inputs

    return Penalised


def squares_model(framework, kernel):
    """Dense(1, no bias) whose outputs' half sum of squares is the only loss."""
    model = framework.Sequential([framework.layers.Input((3,)), framework.layers.Dense(1, use_bias=False),
                                  penalised_class(framework)()])
    model.layers[0].set_weights([kernel])
    return model


KERNEL = RNG.normal(size=(3, 1)).astype("float32")


def test_layer_losses_hold_the_last_eager_call_like_keras(keras):
    for framework in (oi, keras):
        regularised = framework.layers.Dense(2, kernel_regularizer=framework.regularizers.L2(0.1))
        inner = penalised_class(framework)()
        model = framework.Sequential([framework.layers.Input((3,)), regularised, inner])
        model(X[:4])
        model(X[4:6])  # a new top-level call replaces what the previous one added
        results = {"model": [float(v) for v in model.losses], "inner": [float(v) for v in inner.losses],
                   "regularised": [float(v) for v in regularised.losses]}
        if framework is oi:
            ours = results
            kernel = regularised.get_weights()[0]
        else:
            theirs_weights = [kernel, regularised.get_weights()[1]]
            regularised.set_weights(theirs_weights)
            model(X[4:6])
            theirs = {"model": [float(v) for v in model.losses], "inner": [float(v) for v in inner.losses],
                      "regularised": [float(v) for v in regularised.losses]}
    assert len(ours["model"]) == len(theirs["model"]) == 2
    assert ours["regularised"] == pytest.approx(theirs["regularised"], rel=1e-5)
    assert ours["inner"] == pytest.approx(theirs["inner"], rel=1e-5)
    assert sorted(ours["model"]) == pytest.approx(sorted(theirs["model"]), rel=1e-5)
    hidden = X[4:6] @ kernel
    assert ours["inner"] == pytest.approx([0.5 * float(np.sum(np.square(hidden + 0.0)))], rel=1e-5)


def test_a_model_compiled_without_a_loss_trains_on_its_added_losses_like_keras(keras):
    histories = []
    for framework in (oi, keras):
        model = squares_model(framework, KERNEL)
        model.compile(optimizer=framework.optimizers.SGD(learning_rate=0.01))
        histories.append(model.fit(X, batch_size=16, epochs=3, shuffle=False, verbose=0).history["loss"])
        if framework is oi:
            assert all(isinstance(float(value), float) for value in model.losses)  # no tracer kept after fit
    ours, theirs = histories
    assert ours[0] == pytest.approx(0.5 * float(np.sum(np.square(X @ KERNEL))), rel=1e-5)
    assert ours == pytest.approx(theirs, rel=1e-5)
    assert ours[2] < ours[1] < ours[0]


def test_compiling_without_a_loss_and_adding_none_is_a_clear_error():
    model = oi.Sequential([oi.layers.Input((3,)), oi.layers.Dense(1)])
    model.compile(optimizer="sgd")
    with pytest.raises(OneirosError, match="compiled without a loss and added none with add_loss"):
        model.fit(X, Y, verbose=0)


def test_a_loss_without_targets_is_a_clear_error():
    model = oi.Sequential([oi.layers.Input((3,)), oi.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    with pytest.raises(ValueError, match=r"compiled with loss='mse' but the data has no targets"):
        model.fit(X, verbose=0)


HOOKS = ("on_train_begin", "on_train_end", "on_epoch_begin", "on_epoch_end", "on_test_begin", "on_test_end",
         "on_predict_begin", "on_predict_end", "on_train_batch_begin", "on_train_batch_end",
         "on_test_batch_begin", "on_test_batch_end", "on_predict_batch_begin", "on_predict_batch_end")


def recorder_class(framework):
    class Recorder(framework.callbacks.Callback):
        """Records each hook's first call: the type of its logs and their keys."""

        def __init__(self):
            super().__init__()
            self.seen = {}

    def make_hook(hook):
        def record(self, logs=None):
            self.seen.setdefault(hook, None if logs is None else sorted(logs))

        def record_indexed(self, index, logs=None):
            record(self, logs)

        return record_indexed if "batch" in hook or "epoch" in hook else record

    for hook in HOOKS:
        setattr(Recorder, hook, make_hook(hook))
    return Recorder


def test_every_callback_hook_gets_the_logs_keras_gives(keras):
    seen = []
    for framework in (oi, keras):
        model = framework.Sequential([framework.layers.Input((3,)), framework.layers.Dense(1, activation="sigmoid")])
        model.compile(optimizer="sgd", loss="binary_crossentropy", metrics=["acc"])
        recorder = recorder_class(framework)()
        model.fit(X, Y, batch_size=8, epochs=1, validation_data=(X, Y), callbacks=[recorder], verbose=0)
        model.evaluate(X, Y, batch_size=8, callbacks=[recorder], verbose=0)
        model.predict(X, batch_size=8, callbacks=[recorder], verbose=0)
        seen.append(recorder.seen)
    ours, theirs = seen
    assert ours == theirs
    assert ours["on_train_begin"] == [] and ours["on_train_end"] == ["acc", "loss", "val_acc", "val_loss"]


@pytest.mark.parametrize("name", ["acc", "accuracy"])
def test_accuracy_is_logged_under_the_name_given_like_keras(keras, name):
    keys = []
    for framework in (oi, keras):
        model = framework.Sequential([framework.layers.Input((3,)), framework.layers.Dense(1, activation="sigmoid")])
        model.compile(optimizer="sgd", loss="binary_crossentropy", metrics=[name])
        history = model.fit(X, Y, batch_size=8, epochs=1, validation_split=0.25, verbose=0).history
        keys.append(sorted(history))
        keys.append(sorted(model.evaluate(X, Y, verbose=0, return_dict=True)))
    assert keys[0] == keys[2] == sorted(["loss", name, "val_loss", f"val_{name}"])
    assert keys[1] == keys[3] == sorted(["loss", name])


VALUES = [0.5, 123.456, 0.001, 0.0010001, 1.234e-4, -2.5e-5, 0.0, -0.75]


def keras_progbar_text(keras, value, capsys):
    bar = keras.utils.Progbar(target=1, verbose=1)
    bar.update(1, values=[("loss", value)], finalize=True)
    return re.search(r"loss: (\S+)", capsys.readouterr().out).group(1)


def test_progress_values_print_like_keras_progbar(keras, capsys):
    assert [format_value(value) for value in VALUES] == [keras_progbar_text(keras, value, capsys) for value in VALUES]


def test_fit_prints_small_losses_in_scientific_notation(capsys):
    model = oi.Sequential([oi.layers.Input((3,)), oi.layers.Dense(1, kernel_initializer="zeros")])
    model.compile(optimizer=oi.optimizers.SGD(learning_rate=0.0), loss="mse")
    model.fit(X, np.full((16, 1), 0.01, np.float32), epochs=1, verbose=2)
    assert "loss: 1.0000e-04" in capsys.readouterr().out


def test_repeated_and_weighted_metric_names_follow_keras(keras):
    keys = []
    for framework in (oi, keras):
        model = framework.Sequential([framework.layers.Input((3,)), framework.layers.Dense(1)])
        model.compile(optimizer="sgd", loss="mse", metrics=["mae", "mae"], weighted_metrics=["mae", "mse"])
        keys.append(list(model.evaluate(X, Y, sample_weight=np.linspace(0, 1, 16), verbose=0, return_dict=True)))
    assert sorted(keys[0]) == sorted(keys[1]) == sorted(["loss", "mae", "mae_1", "weighted_mae", "mse"])
