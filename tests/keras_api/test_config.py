"""``keras.config.*`` under ``import oneiros as keras``: every name of Keras 3's ``keras.config``
with Keras's parameters, and Keras 3 itself as the oracle of the getters' defaults, the setters'
round trips and refusals, unsafe deserialization and the caps on ``fit``.

Every test runs between snapshots of both libraries' settings (one process runs the suite).
"""

from __future__ import annotations

import inspect
import logging
import os
import threading
import warnings

import numpy as np
import pytest

os.environ.setdefault("KERAS_BACKEND", "jax")
import keras  # noqa: E402
from keras.src.backend.common import global_state  # noqa: E402

import oneiros as oi  # noqa: E402
from oneiros.errors import UnsafeConfigError  # noqa: E402
from oneiros.models import _limits  # noqa: E402
from oneiros.saving import _safe_mode  # noqa: E402

KERAS_NAMES = sorted(name for name in dir(keras.config) if not name.startswith("_"))
FLAG_GETTERS = ("is_interactive_logging_enabled", "is_traceback_filtering_enabled", "is_flash_attention_enabled",
                "is_nnx_enabled", "max_epochs", "max_steps_per_epoch", "floatx", "epsilon", "image_data_format")
KERAS_GLOBALS = ("safe_mode_saving", "traceback_filtering", "flash_attention", "dtype_policy")


@pytest.fixture(autouse=True)
def restore_settings():
    """Puts back every setting either library may change: Keras's global state and module values,
    Oneiros's backend, policy, caps, flags, logging and safe mode."""
    keras_state = {name: global_state.get_global_attribute(name) for name in KERAS_GLOBALS}
    keras_caps = (keras.config.max_epochs(), keras.config.max_steps_per_epoch())
    keras_interactive = keras.config.is_interactive_logging_enabled()
    oneiros_backend, oneiros_policy = oi.get_backend(), oi.mixed_precision.dtype_policy().name
    oneiros_caps, oneiros_flags = dict(_limits._caps), dict(oi.config._flags)
    oneiros_interactive = oi.config.is_interactive_logging_enabled()
    yield
    for name, value in keras_state.items():
        global_state.set_global_attribute(name, value)
    keras.config.set_max_epochs(keras_caps[0])
    keras.config.set_max_steps_per_epoch(keras_caps[1])
    (keras.config.enable_interactive_logging if keras_interactive else keras.config.disable_interactive_logging)()
    oi.set_backend(oneiros_backend)
    oi.mixed_precision.set_dtype_policy(oneiros_policy)
    _limits._caps.clear()
    _limits._caps.update(oneiros_caps)
    oi.config._flags.update(oneiros_flags)
    (oi.config.enable_interactive_logging if oneiros_interactive else oi.config.disable_interactive_logging)()
    _safe_mode._unsafe_everywhere = False


def _parameters(function):
    return [(p.name, p.kind, p.default) for p in inspect.signature(function).parameters.values()]


@pytest.mark.parametrize("name", KERAS_NAMES)
def test_every_keras_name_with_its_parameters(name):
    assert name in oi.config.__all__
    assert _parameters(getattr(oi.config, name)) == _parameters(getattr(keras.config, name))


def test_nothing_beyond_keras_and_import_is_cheap():
    assert sorted(oi.config.__all__) == KERAS_NAMES
    import subprocess
    import sys

    code = ("import sys, oneiros; before = set(sys.modules); import oneiros.config; "
            "print(sorted(set(sys.modules) - before))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "['oneiros.config']"


@pytest.mark.parametrize("name", FLAG_GETTERS)
def test_getters_give_keras_defaults(name):
    expected, received = getattr(keras.config, name)(), getattr(oi.config, name)()
    assert type(received) is type(expected) and received == expected


def test_dtype_policy_default_and_round_trips():
    assert oi.config.dtype_policy().name == keras.config.dtype_policy().name == "float32"
    for policy in ("mixed_float16", "mixed_bfloat16", "bfloat16", "float32"):
        for library in (keras, oi):
            library.config.set_dtype_policy(policy)
        expected, received = keras.config.dtype_policy(), oi.config.dtype_policy()
        assert (received.name, received.compute_dtype, received.variable_dtype) == (
            expected.name, expected.compute_dtype, expected.variable_dtype)
    oi.config.set_dtype_policy(oi.mixed_precision.DTypePolicy("mixed_float16"))
    assert oi.config.dtype_policy().name == "mixed_float16"
    with oi.backend_scope("jax"):
        dense = oi.layers.Dense(2)
        dense.build((None, 3))
        assert oi.ops.dtype(dense.kernel.value) == "float32" and dense.compute_dtype == "float16"


@pytest.mark.parametrize("policy", [123, None, "float12"])
def test_set_dtype_policy_refuses_what_keras_refuses(policy):
    with pytest.raises(ValueError):
        keras.config.set_dtype_policy(policy)
    with pytest.raises(ValueError, match=repr(policy) if policy != "float12" else "float12"):
        oi.config.set_dtype_policy(policy)
    assert oi.config.dtype_policy().name == "float32"


@pytest.mark.parametrize("setter, getter, value", [
    ("set_floatx", "floatx", "float32"), ("set_epsilon", "epsilon", 1e-7),
    ("set_image_data_format", "image_data_format", "channels_last"),
    ("set_image_data_format", "image_data_format", "Channels_Last"),
])
def test_numeric_setters_accept_oneiros_values(setter, getter, value):
    for library in (keras, oi):
        getattr(library.config, setter)(value)
    assert getattr(oi.config, getter)() == getattr(keras.config, getter)()


@pytest.mark.parametrize("setter, value, keras_accepts", [
    ("set_floatx", "float64", True), ("set_floatx", "bfloat16", True), ("set_floatx", "float8", False),
    ("set_epsilon", 1e-5, True), ("set_image_data_format", "channels_first", True),
    ("set_image_data_format", "NCHW", False),
])
def test_numeric_setters_refuse_other_values(setter, value, keras_accepts):
    getter = setter.removeprefix("set_")
    before = getattr(oi.config, getter)()
    if not keras_accepts:
        with pytest.raises(ValueError):
            getattr(keras.config, setter)(value)
    with pytest.raises(ValueError) as refused:
        getattr(oi.config, setter)(value)
    message = str(refused.value)
    assert repr(value) in message and (repr(before) in message or str(before) in message or not keras_accepts)
    assert getattr(oi.config, getter)() == before


@pytest.mark.parametrize("name", ["set_epsilon", "set_floatx", "set_image_data_format"])
def test_setters_are_also_the_backend_namespaces(name):
    """Keras exports the numeric setters from ``keras.backend`` too."""
    assert getattr(oi.backend, name) is getattr(oi.config, name)
    assert _parameters(getattr(oi.backend, name)) == _parameters(getattr(keras.backend, name))


def test_backend_names_the_active_backend_and_switches():
    assert oi.config.backend() == oi.get_backend().name
    with oi.backend_scope("numpy"):
        assert oi.config.backend() == "numpy"
    assert oi.config.set_backend("numpy") is None
    assert oi.config.backend() == "numpy" and oi.get_backend().name == "numpy"
    with pytest.raises(ValueError, match="'no_such_backend'"):
        oi.config.set_backend("no_such_backend")
    assert oi.config.backend() == "numpy"


def test_flags_follow_keras_round_trips():
    sequence = ("disable_traceback_filtering", "enable_traceback_filtering", "disable_flash_attention",
                "enable_flash_attention", "disable_interactive_logging", "enable_interactive_logging")
    getters = ("is_traceback_filtering_enabled", "is_flash_attention_enabled", "is_interactive_logging_enabled")
    for setter in sequence:
        for library in (keras, oi):
            getattr(library.config, setter)()
        assert [getattr(oi.config, g)() for g in getters] == [getattr(keras.config, g)() for g in getters]


@pytest.mark.parametrize("name", ["max_epochs", "max_steps_per_epoch"])
def test_cap_round_trips_and_refusals(name):
    for value in (3, 0, None):
        for library in (keras, oi):
            getattr(library.config, f"set_{name}")(value)
        assert getattr(oi.config, name)() == getattr(keras.config, name)()
    for value in (-1, 2.5, "3", True):
        with pytest.raises(ValueError, match=repr(value).replace(".", r"\.")):
            getattr(oi.config, f"set_{name}")(value)
    assert getattr(oi.config, name)() is None


@pytest.mark.parametrize("name, variable", [("max_epochs", "KERAS_MAX_EPOCHS"),
                                            ("max_steps_per_epoch", "KERAS_MAX_STEPS_PER_EPOCH")])
def test_caps_start_from_keras_environment_variables(monkeypatch, name, variable):
    monkeypatch.delitem(_limits._caps, name, raising=False)
    monkeypatch.setenv(variable, "4")
    assert getattr(oi.config, name)() == 4
    monkeypatch.delitem(_limits._caps, name)
    monkeypatch.setenv(variable, "four")
    with pytest.raises(ValueError, match=f"{variable}.*'four'"):
        getattr(oi.config, name)()


def _keras_lambda_model_file(path):
    inputs = keras.Input((3,))
    outputs = keras.layers.Lambda(lambda x: x * 2.0 + 1.0)(keras.layers.Dense(2)(inputs))
    model = keras.Model(inputs, outputs)
    model.save(path)
    return model


def test_unsafe_deserialization_turns_safe_mode_off_everywhere(tmp_path):
    """Keras then loads a Lambda model; Oneiros's loader sees safe mode off in every thread, yet
    still refuses the Lambda, because Oneiros never runs code stored in a file (its own Lambda
    saves no function), and says so instead of pointing at safe_mode."""
    data = np.arange(6, dtype="float32").reshape(2, 3)
    keras_model = _keras_lambda_model_file(tmp_path / "keras_lambda.keras")
    with pytest.raises(ValueError, match="safe_mode"):
        keras.saving.load_model(tmp_path / "keras_lambda.keras")
    with pytest.raises(UnsafeConfigError, match="refused while safe_mode is on"):
        oi.saving.load_model(tmp_path / "keras_lambda.keras", backend="jax")
    keras.config.enable_unsafe_deserialization()
    oi.config.enable_unsafe_deserialization()
    np.testing.assert_allclose(np.asarray(keras.saving.load_model(tmp_path / "keras_lambda.keras").predict(data, verbose=0)),
                               np.asarray(keras_model.predict(data, verbose=0)), rtol=1e-6)
    seen = []
    worker = threading.Thread(target=lambda: seen.append(oi.saving.safe_mode_enabled()))
    worker.start()
    worker.join()
    assert seen == [False] and not oi.saving.safe_mode_enabled()
    with oi.saving.safe_mode_scope(True):
        assert not oi.saving.safe_mode_enabled()
    with pytest.raises(UnsafeConfigError, match="even with safe_mode=False"):
        oi.saving.load_model(tmp_path / "keras_lambda.keras", backend="jax")


def _batch_counter(library):
    """A callback of ``library`` that records the index of every training batch."""

    class BatchCounter(library.callbacks.Callback):
        batches: list[int]

        def on_train_batch_end(self, batch, logs=None):
            self.batches.append(batch)

    counter = BatchCounter()
    counter.batches = []
    return counter


def _capped_fit(library, counter, x, y):
    model = library.Sequential([library.Input((3,)), library.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        history = model.fit(x, y, batch_size=4, epochs=5, verbose=2, callbacks=[counter])
    return history, sorted(str(w.message) for w in caught if "Limiting" in str(w.message))


def test_caps_and_logging_mode_on_fit(capsys, caplog):
    """Keras and Oneiros cut fit to 2 epochs of 3 steps (of 8), with Keras's warnings, and with
    interactive logging off print nothing to stdout; Oneiros's lines go to its logger."""
    x = np.random.default_rng(0).normal(size=(32, 3)).astype("float32")
    y = x.sum(axis=1, keepdims=True)
    for library in (keras, oi):
        library.config.set_max_epochs(2)
        library.config.set_max_steps_per_epoch(3)
        library.config.disable_interactive_logging()
    keras_counter, oneiros_counter = _batch_counter(keras), _batch_counter(oi)
    keras_history, keras_warnings = _capped_fit(keras, keras_counter, x, y)
    capsys.readouterr()
    with oi.backend_scope("jax"), caplog.at_level(logging.INFO, logger="oneiros"):
        oneiros_history, oneiros_warnings = _capped_fit(oi, oneiros_counter, x, y)
    assert capsys.readouterr().out == ""
    assert oneiros_history.epoch == keras_history.epoch == [0, 1]
    assert oneiros_counter.batches == keras_counter.batches == [0, 1, 2] * 2
    assert oneiros_warnings == keras_warnings and "Limiting epochs to 2" in keras_warnings
    epoch_lines = [r.getMessage() for r in caplog.records if r.name == "oneiros" and "Epoch" in r.getMessage()]
    assert [line.split(" - ")[0] for line in epoch_lines] == ["Epoch 1/2", "Epoch 2/2"]


def test_step_cap_on_evaluate_and_predict():
    """Keras and Oneiros both read 3 batches of 4 rows (of 32): predict gives the first 12 rows."""
    x = np.random.default_rng(1).normal(size=(32, 3)).astype("float32")
    y = x.sum(axis=1, keepdims=True)
    models = {}
    for library in (keras, oi):
        library.config.set_max_steps_per_epoch(3)
        model = library.Sequential([library.Input((3,)), library.layers.Dense(1)])
        model.compile(optimizer="sgd", loss="mse")
        models[library.__name__] = model
    oneiros_model, keras_model = models["oneiros"], models["keras"]
    with oi.backend_scope("jax"):
        oneiros_model.build((None, 3))
        oneiros_model.set_weights(keras_model.get_weights())
        with pytest.warns(UserWarning, match="Limiting steps_per_epoch to 3"):
            oneiros_loss = oneiros_model.evaluate(x, y, batch_size=4, verbose=0)
        with pytest.warns(UserWarning, match="Limiting steps_per_epoch to 3"):
            oneiros_predictions = oneiros_model.predict(x, batch_size=4, verbose=0)
    keras_loss = keras_model.evaluate(x, y, batch_size=4, verbose=0)
    keras_predictions = keras_model.predict(x, batch_size=4, verbose=0)
    assert oneiros_predictions.shape == keras_predictions.shape == (12, 1)
    np.testing.assert_allclose(oneiros_predictions, keras_predictions, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(oneiros_loss, keras_loss, rtol=1e-5)
