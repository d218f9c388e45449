"""Ftrl, Lamb and ScheduleFreeAdamW: bad arguments, names and configs (their 20-step trajectories against Keras 3 are
cases of tests/optimizers/test_keras_parity.py)."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("KERAS_BACKEND", "jax")
import keras  # noqa: E402

from oneiros import optimizers  # noqa: E402


@pytest.mark.parametrize("name,arguments,message", [
    ("Ftrl", {"learning_rate_power": 0.5}, "learning_rate_power"),
    ("Ftrl", {"initial_accumulator_value": -1.0}, "initial_accumulator_value"),
    ("Ftrl", {"l1_regularization_strength": -0.1}, "l1_regularization_strength"),
    ("Lamb", {"beta_1": 1.0}, "beta_1"),
    ("ScheduleFreeAdamW", {"warmup_steps": -1}, "warmup_steps=-1"),
    ("ScheduleFreeAdamW", {"beta_1": 0.0}, "beta_1"),
])
def test_bad_arguments_are_refused_naming_them(name, arguments, message):
    with pytest.raises(ValueError, match=message):
        getattr(optimizers, name)(**arguments)


# Keras's get_config reads its float32 variable through np.array(copy=False), which numpy 2 flags.
@pytest.mark.filterwarnings("ignore:__array__ implementation doesn't accept a copy:DeprecationWarning")
@pytest.mark.parametrize("name,alias", [("Ftrl", "ftrl"), ("Lamb", "lamb"),
                                        ("ScheduleFreeAdamW", "schedule_free_adamw")])
def test_config_has_keras_keys_and_round_trips(name, alias):
    assert optimizers.get(alias) is getattr(optimizers, name)
    ours = getattr(optimizers, name)()
    config = ours.get_config()
    assert type(ours).from_config(config).get_config() == config
    keras_keys = set(getattr(keras.optimizers, name)().get_config())
    assert set(config) <= keras_keys, set(config) - keras_keys
