"""NaN or inf in array training data: a warning naming the first bad row, an error on request.

Oracle: rows poisoned by hand; a refused fit leaves the weights unchanged.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import oneiros as oi
from oneiros.data import DataError, NonFiniteDataWarning


@pytest.fixture(scope="module")
def model():
    model = oi.Sequential([oi.layers.Input((3,)), oi.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    return model


@pytest.fixture
def data():
    x = np.random.default_rng(1).normal(size=(32, 3)).astype("float32")
    return x, x.sum(axis=1, keepdims=True)


@pytest.fixture
def global_mode():
    yield oi.data.set_finite_check
    oi.data.set_finite_check("warn")


def test_nan_in_x_warns_naming_the_first_bad_row(model, data):
    x, y = data
    x[7, 2] = np.nan
    x[20, 0] = np.inf
    with pytest.warns(NonFiniteDataWarning, match=r"x holds nan at position \(7, 2\): row 7 is the first of 2 of 32"):
        model.fit(x, y, epochs=1, verbose=0)


def test_check_finite_true_raises_before_training(model, data):
    x, y = data
    weights = np.ones(32, "float32")
    weights[12] = np.inf
    before = model.get_weights()
    with pytest.raises(DataError, match=r"sample_weight holds inf at position \(12,\): row 12"):
        model.fit(x, y, sample_weight=weights, epochs=1, verbose=0, check_finite=True)
    np.testing.assert_array_equal(before[0], model.get_weights()[0])


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
def test_negative_inf_alone_is_found_in_every_float_dtype(model, data, dtype):
    x, y = data
    y = y.astype(dtype)
    y[30, 0] = -np.inf
    with pytest.raises(DataError, match=r"y holds -inf at position \(30, 0\): row 30 is the first of 1 of 32"):
        model.fit(x, y, epochs=1, verbose=0, check_finite=True)


def test_the_global_setting_and_the_opt_out(model, data, global_mode):
    x, y = data
    x[3, 1] = np.nan
    global_mode("error")
    with pytest.raises(DataError, match=r"row 3"):
        model.fit(x, y, epochs=1, verbose=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", NonFiniteDataWarning)
        model.fit(x, y, epochs=1, verbose=0, check_finite=False)  # no check, no warning


def test_finite_data_gives_no_warning(model, data):
    x, y = data
    x[0, 0] = np.finfo(np.float32).max  # large but finite: no float32 reduction may overflow into inf
    x[0, 1] = np.finfo(np.float32).max
    with warnings.catch_warnings():
        warnings.simplefilter("error", NonFiniteDataWarning)
        model.fit(x, y, epochs=1, verbose=0)


def test_bad_settings_are_refused(model, data, global_mode):
    x, y = data
    with pytest.raises(ValueError, match=r"set_finite_check: mode must be one of 'warn', 'error', 'off'; "
                                         r"received 'loud'"):
        global_mode("loud")
    with pytest.raises(ValueError, match=r"argument `check_finite` must be None, True or False; received "
                                         r"check_finite='yes'"):
        model.fit(x, y, epochs=1, verbose=0, check_finite="yes")


def test_terminate_on_nan_stops_the_recipe(data):
    x, y = data
    x[5] = np.nan
    model = oi.Sequential([oi.layers.Input((3,)), oi.layers.Dense(1)])  # its weights become NaN
    model.compile(optimizer="sgd", loss="mse")
    history = model.fit(x, y, epochs=5, batch_size=8, verbose=0, check_finite=False,
                        callbacks=[oi.callbacks.TerminateOnNaN()])
    assert len(history.history["loss"]) == 1 and np.isnan(history.history["loss"][0])
