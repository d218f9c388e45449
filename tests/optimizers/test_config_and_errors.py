"""Registration, Keras-identical signatures, config round trips and argument errors."""

from __future__ import annotations

import inspect
import json
import os

import numpy as np
import pytest

import oneiros
from oneiros import ops, optimizers
from oneiros.errors import UnknownNameError

OPTIMIZER_NAMES = ["SGD", "RMSprop", "Adam", "AdamW", "Adamax", "Nadam", "Adagrad", "Adadelta",
                   "Lion", "Adafactor", "Muon"]
SCHEDULE_NAMES = ["ExponentialDecay", "InverseTimeDecay", "PiecewiseConstantDecay",
                  "PolynomialDecay", "CosineDecay"]


@pytest.mark.parametrize("name", OPTIMIZER_NAMES)
def test_registered_under_class_name_alias_and_qualified_name(name):
    cls = optimizers.get(name)
    assert cls.__name__ == name and issubclass(cls, optimizers.Optimizer)
    assert optimizers.get(name.lower()) is cls
    assert optimizers.get(f"core>{name}") is cls
    assert getattr(optimizers, name) is cls


@pytest.mark.parametrize("name", SCHEDULE_NAMES)
def test_schedules_registered(name):
    assert issubclass(optimizers.get(name), optimizers.LearningRateSchedule)


def test_unknown_name_suggests_close_matches():
    with pytest.raises(UnknownNameError, match="adam"):
        optimizers.get("adamm")


@pytest.fixture(scope="module")
def keras_optimizers():
    os.environ.setdefault("KERAS_BACKEND", "jax")
    import keras

    return keras.optimizers


@pytest.mark.parametrize("name", OPTIMIZER_NAMES + SCHEDULE_NAMES)
def test_arguments_and_defaults_are_keras_3s(name, keras_optimizers):
    keras_cls = getattr(keras_optimizers, name, None) or getattr(keras_optimizers.schedules, name)
    ours = inspect.signature(optimizers.get(name)).parameters
    theirs = inspect.signature(keras_cls).parameters
    for argument, parameter in ours.items():
        assert argument in theirs, f"{name}({argument}) is not a Keras argument"
        assert parameter.default == theirs[argument].default, argument
    missing = set(theirs) - set(ours) - {"use_ema", "ema_momentum", "ema_overwrite_frequency",
                                          "loss_scale_factor", "gradient_accumulation_steps"}
    assert not missing, f"Keras arguments without an Oneiros counterpart: {sorted(missing)}"


NON_DEFAULT = {
    "SGD": {"learning_rate": 0.3, "momentum": 0.5, "nesterov": True, "clipnorm": 2.0},
    "RMSprop": {"rho": 0.8, "momentum": 0.1, "epsilon": 1e-5, "centered": True, "clipvalue": 1.0},
    "Adam": {"beta_1": 0.8, "beta_2": 0.99, "epsilon": 1e-6, "amsgrad": True, "weight_decay": 0.01},
    "AdamW": {"weight_decay": 0.02, "global_clipnorm": 3.0, "name": "my_adamw"},
    "Adamax": {"beta_1": 0.5, "beta_2": 0.9, "epsilon": 1e-3},
    "Nadam": {"beta_1": 0.7, "beta_2": 0.95, "epsilon": 1e-4},
    "Adagrad": {"initial_accumulator_value": 0.5, "epsilon": 1e-3},
    "Adadelta": {"rho": 0.5, "epsilon": 1e-5},
    "Lion": {"beta_1": 0.5, "beta_2": 0.9},
    "Adafactor": {"beta_2_decay": -0.5, "epsilon_1": 1e-20, "epsilon_2": 1e-2, "clip_threshold": 2.0,
                  "relative_step": False},
    "Muon": {"exclude_layers": ["head"], "nesterov": False, "rms_rate": None, "ns_steps": 3, "use_ema": True,
             "ema_overwrite_frequency": 10},
}


@pytest.mark.parametrize("name", OPTIMIZER_NAMES)
def test_config_round_trip(name):
    optimizer = optimizers.get(name)(**NON_DEFAULT[name])
    config = optimizer.get_config()
    for argument, value in NON_DEFAULT[name].items():
        assert config[argument] == value
    rebuilt = optimizers.get(name).from_config(json.loads(json.dumps(config)))
    assert rebuilt.get_config() == config


def test_adam_class_default_name_and_repr():
    assert optimizers.Adam().name == "adam"
    assert "learning_rate=0.001" in repr(optimizers.Adam())


BAD_ARGUMENTS = [
    (lambda: optimizers.Adam(learning_rate=-0.1), ValueError, ["learning_rate", "-0.1", ">= 0"]),
    (lambda: optimizers.SGD(learning_rate="fast"), TypeError, ["learning_rate", "'fast'"]),
    (lambda: optimizers.SGD(momentum=1.5), ValueError, ["momentum", "1.5", "[0, 1]"]),
    (lambda: optimizers.SGD(nesterov="yes"), TypeError, ["nesterov", "'yes'", "True or False"]),
    (lambda: optimizers.Adam(beta_1=1.0), ValueError, ["beta_1", "1.0", "[0, 1)"]),
    (lambda: optimizers.Nadam(beta_2=-0.5), ValueError, ["beta_2", "-0.5", "[0, 1)"]),
    (lambda: optimizers.Adam(epsilon=-1e-7), ValueError, ["epsilon", "-1e-07", ">= 0"]),
    (lambda: optimizers.RMSprop(rho=2), ValueError, ["rho", "2", "[0, 1]"]),
    (lambda: optimizers.Adagrad(initial_accumulator_value=-1), ValueError,
     ["initial_accumulator_value", "-1", ">= 0"]),
    (lambda: optimizers.Lion(beta_1=0.0), ValueError, ["beta_1", "0.0", "(0, 1]"]),
    (lambda: optimizers.Adafactor(clip_threshold=0), ValueError, ["clip_threshold", "0", "> 0"]),
    (lambda: optimizers.Adafactor(beta_2_decay=0.8), ValueError, ["beta_2_decay", "0.8", "<= 0"]),
    (lambda: optimizers.AdamW(weight_decay=None), ValueError, ["weight_decay", "None"]),
    (lambda: optimizers.SGD(weight_decay=-0.1), ValueError, ["weight_decay", "-0.1", "None or"]),
    (lambda: optimizers.SGD(clipnorm=-1.0), ValueError, ["clipnorm", "-1.0", "> 0"]),
    (lambda: optimizers.SGD(clipvalue=float("nan")), ValueError, ["clipvalue", "nan"]),
    (lambda: optimizers.SGD(clipnorm=1.0, global_clipnorm=1.0), ValueError,
     ["only one of", "clipnorm=1.0", "global_clipnorm=1.0"]),
    (lambda: optimizers.Adam(gradient_accumulation_steps=4), ValueError,
     ["gradient_accumulation_steps", "4", "gradient_accumulation_steps=None"]),
    (lambda: optimizers.Adam(use_ema=1), TypeError, ["use_ema", "1", "True or False"]),
    (lambda: optimizers.SGD(use_ema=True, ema_momentum=1.5), ValueError, ["ema_momentum", "1.5", "[0, 1]"]),
    (lambda: optimizers.SGD(use_ema=True, ema_overwrite_frequency=0), ValueError,
     ["ema_overwrite_frequency", "0", "int >= 1"]),
    (lambda: optimizers.Adam(momentum=0.9), TypeError, ["unexpected", "momentum=0.9"]),
    (lambda: optimizers.ExponentialDecay(0.1, decay_steps=0, decay_rate=0.5), ValueError,
     ["decay_steps", "0", "> 0"]),
    (lambda: optimizers.CosineDecay(0.1, 10, alpha=2.0), ValueError, ["alpha", "2.0", "[0, 1]"]),
    (lambda: optimizers.PiecewiseConstantDecay([1, 2], [0.1, 0.2]), ValueError,
     ["boundaries=[1, 2]", "values=[0.1, 0.2]", "one more"]),
    (lambda: optimizers.PiecewiseConstantDecay([5, 2], [0.1, 0.2, 0.3]), ValueError,
     ["boundaries=[5, 2]", "increasing"]),
    (lambda: optimizers.PolynomialDecay(0.1, 10, cycle=1), TypeError, ["cycle", "1"]),
]


@pytest.mark.parametrize("make, error, fragments", BAD_ARGUMENTS,
                         ids=[f"case{i}" for i in range(len(BAD_ARGUMENTS))])
def test_bad_arguments_name_argument_value_and_allowed(make, error, fragments):
    with pytest.raises(error) as info:
        make()
    for fragment in fragments:
        assert fragment in str(info.value)


def test_learning_rate_setter_checks_and_refuses_schedules():
    optimizer = optimizers.SGD()
    optimizer.learning_rate = 0.5
    assert optimizer.get_config()["learning_rate"] == 0.5
    with pytest.raises(ValueError, match="learning_rate=-2"):
        optimizer.learning_rate = -2
    scheduled = optimizers.SGD(learning_rate=optimizers.ExponentialDecay(0.1, 10, 0.5))
    with oneiros.backend_scope("numpy"):
        state = scheduled.init([ops.zeros((2,))])
        with pytest.raises(TypeError, match="schedule"):
            scheduled.with_learning_rate(state, 0.1)


def test_apply_refuses_mismatched_lists():
    optimizer = optimizers.Adam()
    with oneiros.backend_scope("numpy"):
        params = [ops.zeros((2,)), ops.zeros((3,))]
        state = optimizer.init(params)
        with pytest.raises(ValueError, match="1 gradients and 2 params for a state built for 2"):
            optimizer.apply([ops.zeros((2,))], params, state)


def test_init_refuses_integer_params():
    with oneiros.backend_scope("numpy"):
        with pytest.raises(TypeError, match=r"params\[1\] has dtype int32"):
            optimizers.SGD().init([ops.zeros((2,)), ops.zeros((2,), "int32")])


class SignDescent(optimizers.Optimizer):
    """A user-defined optimizer: param -= lr * sign(grad), counting its updates in a slot."""

    def init_slots(self, param):
        return {"updates": ops.zeros((), "int32")}

    def update_step(self, grad, param, slots, learning_rate, step):
        return (ops.subtract(param, ops.multiply(ops.sign(grad), learning_rate)),
                {"updates": ops.add(slots["updates"], 1)})


def test_subclass_contract(stepper):
    runner = stepper(SignDescent(learning_rate=0.25, clipvalue=0.1),
                     [np.array([1.0, -1.0, 0.0], np.float32)])
    runner.step([np.array([3.0, -0.5, 2.0], np.float32)])
    (param,) = runner.step([np.array([-1.0, 0.0, 2.0], np.float32)])
    np.testing.assert_allclose(param, [1.0, -0.75, -0.5])
    assert runner.slots()[0]["updates"] == 2
