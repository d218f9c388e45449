"""The trainer's typed seams (issue 18): the base update_step refuses to be called, and a
variable takes a step's value as it is."""

import numpy as np
import pytest

import oneiros as oi
from oneiros import ops


def test_the_base_update_step_raises_naming_the_optimizer_class():
    class Unfinished(oi.optimizers.SGD):
        def update_step(self, grad, param, slots, learning_rate, step):
            return super(oi.optimizers.SGD, self).update_step(grad, param, slots, learning_rate, step)

    with pytest.raises(NotImplementedError, match="Unfinished must implement update_step"):
        Unfinished().update_step(None, None, {}, 0.1, 1)


def test_replace_value_takes_the_tensor_as_it_is():
    variable = oi.Variable(np.zeros((2, 3), "float32"), name="w")
    value = ops.convert_to_tensor(np.arange(6, dtype="float32").reshape(2, 3))
    variable.replace_value(value)
    assert variable.value is value
    np.testing.assert_array_equal(variable.numpy(), np.arange(6).reshape(2, 3))
