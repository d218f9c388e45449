"""oneiros.arguments: the constructor-argument checks layers, optimizers, callbacks and plugins share."""

import math

import numpy as np
import pytest

from oneiros import arguments
from oneiros.arguments import ArgumentTypeError


def test_a_wrong_type_is_both_a_type_error_and_a_value_error():
    with pytest.raises(TypeError):
        arguments.real("Adam", "beta_1", "0.9")
    with pytest.raises(ValueError, match=r"Adam: argument `beta_1` must be a finite number in \[0, 1\); "
                                         r"received beta_1='0\.9' of type str\."):
        arguments.real("Adam", "beta_1", "0.9", minimum=0, maximum=1, exclusive_maximum=True)


@pytest.mark.parametrize(("kwargs", "value", "expected"), [
    ({}, 3, 3.0),
    ({"minimum": 0}, 0, 0.0),
    ({"minimum": 0, "maximum": 1}, np.float32(0.5), 0.5),
    ({"optional": True}, None, None),
])
def test_real_accepts_finite_numbers_within_the_bounds(kwargs, value, expected):
    result = arguments.real("Owner", "x", value, **kwargs)
    assert result == expected and (result is None or type(result) is float)


@pytest.mark.parametrize(("kwargs", "value", "message"), [
    ({"minimum": 0, "exclusive_minimum": True}, 0, r"must be a finite number > 0; received x=0\."),
    ({"maximum": 1, "exclusive_maximum": True}, 1, r"must be a finite number < 1; received x=1\."),
    ({"minimum": 0, "maximum": 1}, 1.5, r"must be a finite number in \[0, 1\]; received x=1\.5\."),
    ({}, math.nan, r"must be a finite number; received x=nan\."),
    ({}, True, r"received x=True of type bool\."),
    ({"optional": True}, "a", r"must be None or a finite number; received x='a'"),
])
def test_real_refuses_with_the_owner_argument_value_and_range(kwargs, value, message):
    with pytest.raises(ValueError, match=message):
        arguments.real("Owner", "x", value, **kwargs)


def test_fraction_and_a_dropout_rate():
    assert arguments.fraction("Dropout", "rate", 1) == 1.0
    with pytest.raises(ValueError, match=r"`rate` must be a finite number in \[0, 1\); received rate=1\."):
        arguments.fraction("Dropout", "rate", 1, allow_one=False)


@pytest.mark.parametrize(("value", "error", "message"), [
    (0, ValueError, r"Dense: argument `units` must be an int >= 1; received units=0\."),
    (2.0, ArgumentTypeError, r"received units=2\.0 of type float\."),
    (True, ArgumentTypeError, r"received units=True of type bool\."),
    ("3", ArgumentTypeError, r"received units='3' of type str\."),
])
def test_positive_int_refuses_what_is_not_an_int_of_at_least_one(value, error, message):
    with pytest.raises(error, match=message):
        arguments.positive_int("Dense", "units", value)


def test_integer_bounds_and_optional_none():
    assert arguments.integer("EarlyStopping", "patience", np.int64(0), minimum=0) == 0
    assert arguments.positive_int("fit", "steps", None, optional=True) is None
    with pytest.raises(ValueError, match=r"must be None or an int >= 1; received steps=0\."):
        arguments.positive_int("fit", "steps", 0, optional=True)


def test_flag_takes_only_booleans():
    assert arguments.flag("SGD", "nesterov", True) is True
    with pytest.raises(TypeError, match=r"`nesterov` must be True or False; received nesterov=1 of type int\."):
        arguments.flag("SGD", "nesterov", 1)


def test_choice_returns_the_allowed_spelling():
    assert arguments.choice("Conv2D", "padding", "same", ("valid", "same")) == "same"
    assert arguments.choice("Conv2D", "padding", "SAME", ("valid", "same")) == "same"
    with pytest.raises(ValueError, match=r"must be one of 'valid', 'same'; received padding='full'\."):
        arguments.choice("Conv2D", "padding", "full", ("valid", "same"))


def test_data_format_defaults_to_channels_last():
    assert arguments.data_format("Conv2D", None) == "channels_last"
    assert arguments.data_format("Conv2D", "channels_first") == "channels_first"


@pytest.mark.parametrize("value", [-1, 2**63, 1.0, True])
def test_seed_is_none_or_an_int_in_the_63_bit_range(value):
    assert arguments.seed("Dropout", None) is None and arguments.seed("Dropout", 2**63 - 1) == 2**63 - 1
    with pytest.raises(ValueError, match=r"`seed` must be None or an int in \[0, 2\*\*63\)"):
        arguments.seed("Dropout", value)


def test_axes_and_their_config_form():
    assert arguments.axes("LayerNormalization", "axis", -1) == -1
    assert arguments.axes("LayerNormalization", "axis", [1, 2]) == (1, 2)
    assert arguments.config_axes((1, 2)) == [1, 2] and arguments.config_axes(-1) == -1
    with pytest.raises(ValueError, match=r"non-empty list of distinct ints; received axis=\[1, 1\]"):
        arguments.axes("LayerNormalization", "axis", [1, 1])


def test_int_tuple_and_padding_pairs_per_spatial_axis():
    assert arguments.int_tuple("Conv2D", "strides", 2, 2) == (2, 2)
    assert arguments.int_tuple("Conv2DTranspose", "output_padding", [0, 1], 2, minimum=0) == (0, 1)
    with pytest.raises(ValueError, match=r"must be an int >= 1 or 2 of them \(one per spatial axis\)"):
        arguments.int_tuple("Conv2D", "strides", (1, 0), 2)
    assert arguments.padding_pairs("ZeroPadding1D", "padding", (1, 2), 1) == ((1, 2),)
    assert arguments.padding_pairs("ZeroPadding2D", "padding", (1, 2), 2) == ((1, 1), (2, 2))
    assert arguments.padding_pairs("ZeroPadding2D", "padding", ((0, 1), (2, 3)), 2) == ((0, 1), (2, 3))
    with pytest.raises(ValueError, match=r"non-negative int, 2 of them, or 2 \(before, after\) pairs"):
        arguments.padding_pairs("ZeroPadding2D", "padding", -1, 2)


def test_noise_shape_keeps_none_for_the_inputs_size():
    assert arguments.noise_shape("Dropout", [None, 1, 4]) == (None, 1, 4)
    with pytest.raises(ValueError, match=r"`noise_shape` must be None or a sequence of positive ints and None"):
        arguments.noise_shape("Dropout", [0])
